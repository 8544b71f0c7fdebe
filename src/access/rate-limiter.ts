/**
 * One Durable Object per rate-limit key (`idFromName(key)`, e.g. `login:ip:203.0.113.7`). It keeps
 * a sliding log: one SQLite row per counted attempt, with the time it stops counting. A limit then
 * holds exactly over any window, with no burst at a window boundary as fixed windows allow, and
 * `Retry-After` is exact: the moment the oldest counted attempt leaves the window. The log is
 * small because a refused attempt is not recorded, so it never holds more rows than the limit.
 *
 * The rows live in durable storage, so eviction or a restart does not reset a window. An alarm
 * deletes expired rows, and the whole object's storage once nothing counts any more, so keys of
 * addresses and accounts seen once do not stay stored.
 */
import { DurableObject } from "cloudflare:workers";

/** The answer to one attempt. `hitId` names the recorded row, for `release`. */
export type Decision = { allowed: boolean; retryAfterSeconds: number; hitId?: number };

export class RateLimiter extends DurableObject {
  #tableReady = false;

  /**
   * Counts one attempt if fewer than `limit` are in the window; a refused attempt is not counted.
   * @param limit attempts allowed within the window
   * @param windowSeconds length of the sliding window
   */
  async hit(limit: number, windowSeconds: number): Promise<Decision> {
    const now = Date.now();
    const decision = this.#decide(limit, now);
    if (!decision.allowed) return decision;

    const expiresAt = now + windowSeconds * 1000;
    const { id } = this.#sql
      .exec<{ id: number }>("INSERT INTO hits (expires_at) VALUES (?) RETURNING id", expiresAt)
      .one();
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(expiresAt);
    return { ...decision, hitId: id };
  }

  /** Whether an attempt would be allowed now, without counting it. */
  peek(limit: number): Decision {
    return this.#decide(limit, Date.now());
  }

  /**
   * Forgets one counted attempt. Failure-only limits count every attempt up front and release
   * the ones that did not fail: counting only after a failure would let concurrent attempts all
   * pass the check before the first failure is written.
   */
  release(hitId: number): void {
    this.#sql.exec("DELETE FROM hits WHERE id = ?", hitId);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.#sql.exec("DELETE FROM hits WHERE expires_at <= ?", now);
    const { last } = this.#sql
      .exec<{ last: number | null }>("SELECT max(expires_at) AS last FROM hits")
      .one();
    if (last !== null) {
      await this.ctx.storage.setAlarm(last);
      return;
    }
    await this.ctx.storage.deleteAll();
    this.#tableReady = false;
  }

  #decide(limit: number, now: number): Decision {
    this.#sql.exec("DELETE FROM hits WHERE expires_at <= ?", now);
    const { counted } = this.#sql
      .exec<{ counted: number }>("SELECT count(*) AS counted FROM hits")
      .one();
    if (counted < limit) return { allowed: true, retryAfterSeconds: 0 };

    // Lowering a limit can leave more rows than it allows: wait until enough of them expire.
    const { expires_at } = this.#sql
      .exec<{ expires_at: number }>(
        "SELECT expires_at FROM hits ORDER BY expires_at LIMIT 1 OFFSET ?",
        counted - limit,
      )
      .one();
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((expires_at - now) / 1000)) };
  }

  get #sql(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.#tableReady) {
      sql.exec(
        "CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY AUTOINCREMENT, expires_at INTEGER NOT NULL)",
      );
      this.#tableReady = true;
    }
    return sql;
  }
}
