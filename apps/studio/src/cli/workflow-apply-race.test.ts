import { afterAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../test/harness/index.ts";
import { cliSandbox, spawnCli } from "../../../../test/support/cli.ts";

const servers = inject("servers");
const P = `wfrace${process.pid}:`;
const PAIRS = 10;
const KEYS = 50;

/**
 * Two `cachify workflow apply` of one plan started at once, in two processes sharing the data
 * folder: exactly one runs it; the other is refused with a conflict (exit 2) naming the winner.
 */
describe("a plan is applied at most once, whatever races for it", () => {
  const sb = cliSandbox();
  afterAll(() => sb.cleanup());

  it(`${PAIRS} pairs of concurrent applies: one execution per plan each time`, async () => {
    expect((await sb.run("profile", "add", "race", "--url", servers.redis.url)).code).toBe(0);
    const env = { CACHIFY_HOME: sb.dataDir };
    for (let round = 0; round < PAIRS; round++) {
      for (let i = 0; i < KEYS; i++)
        await rawCommand(servers.redis.port, ["SET", `${P}${round}:${i}`, "v"]);
      const plan = await sb.run(
        "workflow",
        "plan",
        "delete-by-pattern",
        "--profile",
        "race",
        "--param",
        `pattern=${P}${round}:*`,
        "--json",
      );
      const { planId, matched } = plan.json<{ planId: string; matched: number }>();
      expect(matched).toBe(KEYS);
      const apply = () =>
        spawnCli(
          ["workflow", "apply", planId, "--confirm-count", String(KEYS), "--json"],
          env,
          60_000,
        );
      const both = await Promise.all([apply(), apply()]);
      const won = both.filter((r) => r.code === 0);
      const lost = both.filter((r) => r.code !== 0);
      expect(won, `round ${round}: ${both.map((r) => r.stderr).join(" | ")}`).toHaveLength(1);
      const winner = won[0]!.json<{ executionId: string; status: string }>();
      expect(winner.status).toBe("succeeded");
      expect(lost[0]!.code).toBe(2);
      const error = JSON.parse(lost[0]!.stderr).error;
      expect(error.code).toBe("conflict");
      expect(error.message).toBe(
        `Plan ${planId} is being applied or was applied by execution ${winner.executionId}: a plan runs once. Make a new dry-run (cachify history rerun ${winner.executionId}) to run it again.`,
      );
      const executions = (await sb.run("history", "list", "--limit", "1000", "--json"))
        .json<{ executions: { planId: string }[] }>()
        .executions.filter((e) => e.planId === planId);
      expect(executions).toHaveLength(1);
    }
  }, 180_000);
});
