/**
 * `POST /c/{channel}/announce`: a peer (or the source, with `clubs: []`) joins, keeps its
 * entry alive, or leaves. Each announce is written through to KV; the reply's peer list is
 * a random sample from this instance's short-lived view of the swarm, never the asker.
 */
import { isChannelId } from "../lib/channel/channel_id.ts";
import { readJson } from "./body.ts";
import { BAD_CHANNEL, type Deps, refuse, type Reply } from "./deps.ts";
import type { PeerRecord } from "./records.ts";
import { checkAnnounce } from "./validate.ts";

/** Handles an announce for `channel` from the address `ip`. */
export async function handleAnnounce(
  deps: Deps,
  channel: string,
  req: Request,
  ip: string,
): Promise<Reply> {
  if (!isChannelId(channel)) return refuse(400, BAD_CHANNEL);
  const body = await readJson(req, deps.maxBody);
  if (!body.ok) return refuse(body.status, body.error);
  const checked = checkAnnounce(body.value);
  if (!checked.ok) return refuse(400, checked.error);
  const a = checked.value;
  const view = await deps.cache.get(channel);
  if (view === null) return refuse(404, `unknown channel ${channel}: the source must PUT it first`);
  const clubs = view.channel.clubs;
  if (a.clubs !== undefined && a.clubs.some((c) => c >= clubs)) {
    return refuse(400, `"clubs" must be club numbers below ${clubs}`);
  }
  // Peers take an entry with no clubs for the source: only the address that registered the
  // channel (with the channel's key) may claim that place.
  const source = view.channel.source;
  if (a.clubs?.length === 0 && source !== undefined && source !== ip) {
    return refuse(
      403,
      `only the channel's source (the address that registered it) may announce with "clubs": []`,
    );
  }
  const now = deps.now();
  let known: PeerRecord | null = view.peers.get(a.peer, now) ?? null;
  if (known === null && a.event === "heartbeat" && a.clubs === undefined) {
    // Not in this instance's view (joined through another instance, or the view is older
    // than the join): KV knows its clubs.
    known = await deps.store.getPeer(channel, a.peer, now);
  }
  if (known !== null && known.ip !== ip) {
    return refuse(409, `peer id "${a.peer}" is in use from another address; pick another id`);
  }
  // A new entry: one address may not fill the swarm with made-up peers.
  const cap = deps.peersPerAddress;
  if (known === null && a.event !== "leave" && cap > 0 && view.peers.liveFrom(ip, now) >= cap) {
    return refuse(
      403,
      `this address already has ${cap} live peers in the channel; reuse a peer id or wait`,
    );
  }
  deps.metrics.inc("clubcast_tracker_announces_total", { event: a.event });
  const you = { ip };
  if (a.event === "leave") {
    await deps.store.deletePeer(channel, a.peer);
    deps.cache.noteDelete(channel, a.peer);
    return { status: 200, body: { clubs, peers: [], interval: deps.interval, you } };
  }
  let mine: readonly number[];
  let recommend: readonly number[] | undefined;
  if (a.event === "join") {
    // A join that names its clubs keeps them; otherwise the deck deals two.
    if (a.clubs === undefined) {
      const dealt = await deps.store.deal(channel);
      if (dealt === null) return refuse(404, `unknown channel ${channel}`);
      mine = dealt;
    } else {
      mine = a.clubs;
    }
    recommend = mine;
  } else {
    const clubsKnown = a.clubs ?? known?.clubs;
    if (clubsKnown === undefined) {
      return refuse(409, `unknown peer "${a.peer}": send "join" first, or name your "clubs"`);
    }
    mine = clubsKnown;
  }
  const ttl = 3 * deps.interval * 1000;
  const record: PeerRecord = { peer: a.peer, ip, port: a.port, clubs: mine, deadline: now + ttl };
  await deps.store.putPeer(channel, record, ttl);
  deps.cache.notePut(channel, record);
  const current = (await deps.cache.get(channel)) ?? view;
  const peers = current.peers.sampleJson(deps.sample, a.peer, deps.now(), deps.rng);
  // Built as text: the peer objects' JSON is cached per entry (see PeerSet.sampleJson).
  const head = recommend === undefined
    ? `{"clubs":${clubs}`
    : `{"clubs":${clubs},"recommend":${JSON.stringify(recommend)}`;
  return {
    status: 200,
    body: `${head},"peers":${peers},"interval":${deps.interval},"you":${JSON.stringify(you)}}`,
  };
}
