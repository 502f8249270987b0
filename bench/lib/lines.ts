/** Splits a byte stream into newline-terminated lines (watch streams are one JSON document per line). */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer) => void {
  let rest = "";
  return (chunk) => {
    const s = rest + chunk.toString("utf8");
    let start = 0;
    for (let nl = s.indexOf("\n", start); nl >= 0; nl = s.indexOf("\n", start)) {
      if (nl > start) onLine(s.slice(start, nl));
      start = nl + 1;
    }
    rest = s.slice(start);
  };
}
