/**
 * Error replies that echo what was sent ("ERR unknown command 'x', with args beginning with: 'v'",
 * "Invalid argument 'v' for CONFIG SET ..."): the echoed arguments may be values, and the message
 * goes to the console, history and the timeline. Every single-quoted segment becomes its length;
 * a command name (a short word the server quotes back) is kept so the message still helps.
 */
const NAME = /^[A-Za-z][A-Za-z0-9_.|-]{0,31}$/;

export function redactReplyEcho(message: string): string {
  const tail = message.indexOf(", with args beginning with:");
  const head = tail >= 0 ? `${message.slice(0, tail)}, with its arguments hidden` : message;
  return head.replace(/'([^']*)'/g, (whole, inner: string, at: number) =>
    // The first quoted word of "unknown command/subcommand 'x'" or "... for 'set' command".
    NAME.test(inner) && /(command|subcommand|for)\s*$/i.test(head.slice(0, at).trimEnd())
      ? whole
      : `<${Buffer.byteLength(inner)} bytes>`,
  );
}
