// The built-in lab's own conversation: the one message that asks it for a push stream. Only the
// coordinator's plan for the built-in lab (or a user's --subscribe) puts it on the wire: a foreign
// server gets nothing it did not ask for (DESIGN.md "Clients and profiles").

/** The lab's subscribe message for a push stream of `rate` messages/s of `size` bytes. */
export function labSubscribeMessage(rate: number, size: number): string {
  return `{"op":"subscribe","rate":${rate},"size":${size}}`;
}
