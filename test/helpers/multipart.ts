/** A multipart/form-data body with one file (after the given text fields), as a browser's form sends it. */
export function multipartFile(fileName: string, bytes: Buffer, contentType = 'application/octet-stream', fields: Record<string, string> = {}) {
  const boundary = `----mohla${Math.random().toString(16).slice(2)}`;
  const before = Object.entries(fields)
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join('');
  const head = Buffer.from(
    `${before}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, bytes, tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
