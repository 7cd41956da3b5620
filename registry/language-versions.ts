import { CURRENT_LANGUAGE_VERSION, type LanguageVersion } from '../engine/language.js';
import type { ProcedureDefinition } from '../engine/definition.generated.js';

/**
 * The definitions published under language 1, by content hash: every file shipped before language
 * versions existed. They declare no version and keep language 1 for good, wherever they are published
 * again (a fresh database publishes the shipped files anew). Versions published through the API before
 * then are language 1 in the database itself (the column's default for the rows it already held).
 * Never add to this list: a definition written today is language 2 unless it says otherwise.
 */
const PUBLISHED_UNDER_LANGUAGE_1 = new Set([
  'eef710ccc8a1766e73a6dacbb83f80f3cff20b011cceb1b74441d4b7ef7b7ce5', // access-to-information-complaint v1
  'd39f6c56e1f600925e2693e27c23393f84063e46c42be4537bb300199c191d87', // access-to-information-complaint v2
  'd9653e6f962acc4f66604a711056e609df1747144cff7898d30e32628f974e5d', // access-to-information v1
  'ca7d9569afe2fd60ed3ba6c630bb1cdbb0920dc04b978f5b3eb2c816ad5fb31c', // access-to-information v2
  'd6dd56fbecb5dc12b0bc85052848dcdc62df728b803b6f27c0d711dc0553cef1', // administrative-certificate v1
  '33e8ed9852b9f1163fb9aaef779ab353a963c07ffb9071fe4c32b4df6d2c7266', // administrative-certificate v2
  'c4ea5754bb6d792a4675cd817aebad201c1d880bc4b031d5027f38f1614ab2da', // building-permit-large v1
  'ecef5371dc769b0bdb9e7c3764fdd54269002ee64699e7c2b0dabbbbf931ca5d', // building-permit-large v2
  '8b96f9324cc7520c911fc036399c11a3fbf3e217dcd9aedf65f62576576ea278', // building-permit-small v1
  '5a9a9deff17426000b8f3762ecf907f39cc5d65476b391a92fbb78c391c7e058', // building-permit-small v2
  '1dff93c6be45e4793982b5ca818fca8d9946b314b4759e97e7b05ef8ddfc467f', // civil-status-extract v1
  'c11a3c314f6e9703a50e052634a75ed66c994513f5e26e4414f291a37db5613a', // civil-status-extract v2
  'bbb37e71a65b180d6e5c44eb800b97c651a99482c83039b92a50f47dc02ccc34', // commune-petition v1
  '20a34ed90791294641fcae15d8c1b5d8ec2e47b6f7d5b3855abf8bf04805f832', // commune-petition v2
  'c15e2d18511ef22a1c8db13326b42ba5cda2bc7efa6cbdfbcb7a82547a90850f', // complaint v1
  '6e74ffdc048f9fb22f15ea0e24123fdc2cad3de70b777ba6a1bf70a985f9b0c9', // complaint v2
  '2683aa8a21cdf847349ad6a49b6aabf5455b51a2da0e97fea74f5d9b57a4d5cc', // economic-licence v1
  'c5366fb20619eb2b3f5eee7093f091031d61ef7ed9721983a7f523b4165e7657', // economic-licence v2
  '99ebbaecc684178fb0bbd7de8976bc2b3af3fce202ef32dbaab1c82277db0622', // employee-promotion v1
  '6d8e878ce54cfb8b76f05be7d891e9f1a453daf3a997f187c645bea094509608', // employee-promotion v2
  'b79e3f65e80462cd8d1c651d332c79ed7bffe24aa25f5651964830b25c83d5ec', // public-domain-occupation v1
  'cad8b1a3120b0e87abb424a7f3a659661cdb9e0a3e09166d6a9922991042988b', // public-domain-occupation v2
  '9b500864fe6e987f86d45f4ecc50bfcc173c5303524ec4b07a3b3a7cf8b7f3ab', // residence-certificate v1
  '78cfc7086ebcc9b6aacc6299ed8ec7c5d256c2221169ed428125b8631fd368bb', // residence-certificate v2
]);

/** The language a definition is read in: what it declares, else language 1 for those published under it, else the current one. */
export function languageVersionOf(definition: ProcedureDefinition, hash: string): LanguageVersion {
  return definition.languageVersion ?? (PUBLISHED_UNDER_LANGUAGE_1.has(hash) ? 1 : CURRENT_LANGUAGE_VERSION);
}
