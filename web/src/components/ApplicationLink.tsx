/** An application's tracking number, linking to its page; left to right in every language, as it is printed. */
export function ApplicationLink({ trackingNumber }: { trackingNumber: string }) {
  return (
    <a href={`#/applications/${trackingNumber}`} dir="ltr">
      {trackingNumber}
    </a>
  );
}
