/**
 * Commands that read server or connection state and change nothing, though the command table
 * flags them admin or dangerous (INFO, CONFIG GET, CLIENT LIST) or not at all (PING). Asking for a
 * typed name before a read teaches people to type it without reading, so these are reads. The
 * list is closed: anything not here, and not flagged read-only by the server, is not a read.
 * Keyed by command, or "command|subcommand"; a function refuses the argument forms that write.
 */
type Rule = true | ((args: string[]) => boolean);

const noReset = (args: string[]) => !args.slice(2).some((a) => a.toLowerCase() === "reset");

const RULES: Record<string, Rule> = {
  ping: true,
  echo: true,
  time: true,
  lastsave: true,
  role: true,
  info: true,
  dbsize: true,
  lolwut: true,
  command: true,
  "command|count": true,
  "command|docs": true,
  "command|getkeys": true,
  "command|getkeysandflags": true,
  "command|info": true,
  "command|list": true,
  "config|get": true,
  "slowlog|get": true,
  "slowlog|len": true,
  "client|list": true,
  "client|info": true,
  "client|getname": true,
  "client|id": true,
  "client|getredir": true,
  "client|trackinginfo": true,
  "memory|usage": true,
  "memory|stats": true,
  "memory|doctor": true,
  "memory|malloc-stats": true,
  "latency|latest": true,
  "latency|history": true,
  "latency|doctor": true,
  "latency|graph": true,
  "latency|histogram": true,
  "acl|whoami": true,
  "acl|cat": true,
  "acl|users": true,
  "acl|list": true,
  "acl|getuser": true,
  "acl|dryrun": true,
  "acl|log": noReset,
  "module|list": true,
  "cluster|info": true,
  "cluster|nodes": true,
  "cluster|replicas": true,
  "cluster|slaves": true,
  "cluster|slots": true,
  "cluster|shards": true,
  "cluster|myid": true,
  "cluster|myshardid": true,
  "cluster|keyslot": true,
  "cluster|countkeysinslot": true,
  "cluster|getkeysinslot": true,
  "cluster|links": true,
  "cluster|count-failure-reports": true,
  "function|list": true,
  "function|dump": true,
  "function|stats": true,
  "script|exists": true,
  "pubsub|channels": true,
  "pubsub|numsub": true,
  "pubsub|numpat": true,
  "pubsub|shardchannels": true,
  "pubsub|shardnumsub": true,
  "object|encoding": true,
  "object|freq": true,
  "object|idletime": true,
  "object|refcount": true,
};

/**
 * True when `name [sub] args...` only reads state (see RULES); a container's HELP subcommand
 * (CONFIG HELP) is a read too. `container`: the server lists subcommands for `name`.
 */
export function isIntrospection(
  name: string,
  sub: string,
  args: string[],
  container: boolean,
): boolean {
  if (container && sub === "help" && args.length === 2) return true;
  // "name|sub" for containers (and for servers too old to describe subcommands), else "name".
  const rule = (sub ? RULES[`${name}|${sub}`] : undefined) ?? RULES[name];
  if (rule === undefined) return false;
  return rule === true || rule(args);
}
