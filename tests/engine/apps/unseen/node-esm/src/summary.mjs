export function summary() {
  return ["hello", "from", "an", "es", "module"].join(" ");
}
