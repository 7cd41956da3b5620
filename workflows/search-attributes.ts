import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Mohla's search attributes: the Temporal UI and `client.workflow.list()` find applications by them.
 * The dev server registers exactly this list, and the workflow keeps them current.
 */
export const searchAttributes = {
  procedure: defineSearchAttributeKey('MohlaProcedure', SearchAttributeType.KEYWORD),
  procedureVersion: defineSearchAttributeKey('MohlaProcedureVersion', SearchAttributeType.INT),
  office: defineSearchAttributeKey('MohlaOffice', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('MohlaStatus', SearchAttributeType.KEYWORD),
  dueAt: defineSearchAttributeKey('MohlaDueAt', SearchAttributeType.DATETIME),
  trackingNumber: defineSearchAttributeKey('MohlaTrackingNumber', SearchAttributeType.KEYWORD),
} as const;
