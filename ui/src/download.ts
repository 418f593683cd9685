/** Hands a fetched file to the browser to save, under a name. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken the blob by the time the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
