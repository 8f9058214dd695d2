/**
 * `PUT /c/{channel}`: a source creates or refreshes its channel. Only the holder of the
 * channel's key can: the body's signature must verify against the key the channel id names
 * (else 403). A `ts` too far from the tracker's clock, or not newer than the last accepted
 * one, is a replay or a stale request (409). The address an accepted registration comes from
 * becomes the channel's source address: only it may announce as the source (announce.ts).
 */
import { isChannelId } from "../lib/channel/channel_id.ts";
import { verifyRegistration } from "../lib/channel/register.ts";
import { readJson } from "./body.ts";
import { BAD_CHANNEL, type Deps, refuse, type Reply } from "./deps.ts";
import { checkRegister } from "./validate.ts";

/** Handles a registration request for `channel` from the address `ip`. */
export async function handleRegister(
  deps: Deps,
  channel: string,
  req: Request,
  ip: string,
): Promise<Reply> {
  const count = (result: string) =>
    deps.metrics.inc("clubcast_tracker_registrations_total", { result });
  if (!isChannelId(channel)) return refuse(400, BAD_CHANNEL);
  const body = await readJson(req, deps.maxBody);
  if (!body.ok) return refuse(body.status, body.error);
  const reg = checkRegister(body.value);
  if (!reg.ok) return refuse(400, reg.error);
  const { clubs, ts, sig } = reg.value;
  if (!verifyRegistration(channel, clubs, ts, sig)) {
    count("forged");
    return refuse(
      403,
      `bad signature: "sig" must sign "clubcast/register/v1 ${channel} ${clubs} ${ts}" with the channel's key`,
    );
  }
  const now = deps.now();
  if (Math.abs(ts - now) > deps.maxSkewMs) {
    count("skewed");
    return refuse(
      409,
      `"ts" is ${Math.round((ts - now) / 1000)} s from the tracker's clock; the limit is ${
        deps.maxSkewMs / 1000
      } s`,
    );
  }
  const r = await deps.store.register(channel, clubs, ts, now, deps.channelTtlMs, ip);
  if (r.kind === "stale") {
    count("replayed");
    return refuse(409, `"ts" ${ts} is not newer than the last accepted registration (${r.last})`);
  }
  count(r.kind);
  deps.cache.noteChannel(channel, r.record);
  const { created, refreshed } = r.record;
  return {
    status: r.kind === "created" ? 201 : 200,
    body: { channel, clubs, created, refreshed, interval: deps.interval },
  };
}
