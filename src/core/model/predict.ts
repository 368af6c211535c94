// Time per step of a halo exchange on a placed grid. Pure.
//
// Each rank posts a non-blocking receive and send to every neighbour, then
// waits for all of them (the halo mini-app). Messages to different peers
// overlap, so a step is not a sum over messages. For a node v with M_v
// off-node messages of n bytes per step, over S_v distinct (sender, receiver)
// rank pairs, and whose busiest rank sends m_v of them:
//
//   rank term  R_v = L(n) + (m_v − 1)·G(n)
//              the rank's first message costs a whole ping-pong latency
//              L(n) = α + n/β; each further one follows it back to back, one
//              gap G(n) = n/ρ(n) later (ρ(n): one pair's streaming rate).
//   node term  N_v = L(n) + (M_v − 1)·n / min(S_v·ρ(n), R)
//              max-rate form: the node's first message costs L(n); the
//              other M_v − 1 share the node: S_v concurrent streams move
//              bytes at min(S_v·ρ, R), R the node's injection rate (fitted
//              from mbw); without a fitted R, R = ρ(n): one pair fills the
//              wire and S senders get 1/S of it each (Foster).
//   (With one off-node message, both terms are L(n): the ping-pong the
//   model was fitted on.)
//   sustained floor: steps run back to back, so every byte of a step must
//              pass at the streaming rate the bw rows measured; a ping-pong
//              on an idle link can beat that (a token bucket that refilled,
//              a switch buffer that drained), and L(n) alone would then
//              predict a step faster than the link sustains. So each term is
//              at least L(0) + (its messages)·(its per-message time):
//              R_v ≥ L(0) + m_v·G(n),  N_v ≥ L(0) + M_v·n / min(S_v·ρ, R).
//              Where the ping-pong is not faster than the stream, the floor
//              is below the terms above and changes nothing.
//   T_v = max(R_v, N_v), and 0 for a node with no off-node neighbour.
//
//   comm per step    = max over nodes of T_v (the worst node sets the step:
//                      every rank waits for its neighbours)
//   seconds per step = comm + compute (--compute-us, default 0; the app
//                      computes, then exchanges, without overlap)
//   total            = steps × seconds per step
//
// Traffic is symmetric (a node receives what it sends), so egress and
// ingress give the same terms. On-node messages are not modelled (shared
// memory or loopback: not the network).
//
// Not modelled, warned about: Open MPI over TCP sends a message above the
// tcp btl's eager limit (64 KiB) by rendezvous: the first fragment, then the
// rest once the receiver's go-ahead arrives. That go-ahead travels on the
// same TCP connection as the receiver's own halo to the sender, behind
// whatever of it is already queued, so two ranks that exchange out of step
// can take turns instead of sending at once: up to (n − eager limit) at the
// stream rate longer per message. Whether they do depends on timing (on the
// testbed, 10–93% of 1 MiB steps took twice one way, run to run), so it is a
// warning with its bound, not a term.

import { formatBytes } from '../units.js';
import type { PointToPoint } from './network-model.js';
import { haloTraffic, type NodeTraffic } from './traffic.js';

export interface HaloJob {
  grid: readonly number[];
  periodic: boolean;
  rankToNode: ArrayLike<number>;
  nodeCount: number;
  haloBytes: number;
  computeUs: number | undefined;
  steps: number | undefined;
}

export interface WorstNode extends NodeTraffic {
  bytes: number;
  rankTermSeconds: number;
  nodeTermSeconds: number;
}

export interface Prediction {
  secondsPerStep: number;
  commSecondsPerStep: number;
  computeSecondsPerStep: number;
  totalSeconds: number | null;
  model: string;
  origin: PointToPoint['origin'];
  worstNode: WorstNode | null;
  warnings: string[];
}

function nodeTime(t: NodeTraffic, n: number, p2p: PointToPoint): WorstNode {
  const gap = p2p.gap(n);
  const pairRate = gap > 0 ? n / gap : Infinity;
  const rate = Math.min(t.streams * pairRate, p2p.nodeRate ?? pairRate);
  const startup = Math.max(0, p2p.latency(0));
  const rankTerm = t.messages === 0 ? 0 : Math.max(p2p.latency(n) + (t.maxRankMessages - 1) * gap, startup + t.maxRankMessages * gap);
  const nodeTerm = t.messages === 0 ? 0 : Math.max(p2p.latency(n) + ((t.messages - 1) * n) / rate, startup + (t.messages * n) / rate);
  return { ...t, bytes: t.messages * n, rankTermSeconds: rankTerm, nodeTermSeconds: nodeTerm };
}

export function predictHalo(job: HaloJob, p2p: PointToPoint): Prediction {
  const warnings: string[] = [];
  const n = job.haloBytes;
  if (p2p.range && (n < p2p.range.minBytes || n > p2p.range.maxBytes)) {
    warnings.push(`--halo-bytes ${formatBytes(n)} lies outside the sizes the model was fitted on (${formatBytes(p2p.range.minBytes)}–${formatBytes(p2p.range.maxBytes)}): the prediction extrapolates`);
  }
  if (p2p.origin === 'published') warnings.push(`published, not measured: ${p2p.name}`);
  let worst: WorstNode | null = null;
  for (const t of haloTraffic(job.grid, job.periodic, job.rankToNode, job.nodeCount)) {
    const w = nodeTime(t, n, p2p);
    if (!worst || Math.max(w.rankTermSeconds, w.nodeTermSeconds) > Math.max(worst.rankTermSeconds, worst.nodeTermSeconds)) worst = w;
  }
  const comm = worst ? Math.max(worst.rankTermSeconds, worst.nodeTermSeconds) : 0;
  if (worst && worst.messages === 0) warnings.push('no neighbour is on another node: on-node messages are not modelled, communication is predicted as 0');
  const eager = p2p.tcpEagerLimitBytes;
  if (eager !== undefined && n > eager && worst && worst.messages > 0) {
    const wait = (p2p.gap(n) * (n - eager)) / n;
    // A little above the halo, in 64 KiB steps: far larger limits cost time too (an 8 MiB limit made
    // 64 KiB halo steps take 4-8 ms instead of about 0.5 ms on the testbed, benchmarks/README.md).
    const limit = Math.ceil((n * 1.25) / 65536) * 65536;
    warnings.push(
      `${formatBytes(n)} halos exceed Open MPI's TCP eager limit (${formatBytes(eager)}) and go by rendezvous, whose go-ahead queues behind the receiver's own outgoing halo on the same TCP connection: ranks that exchange out of step can wait up to ${(wait * 1e3).toFixed(2)} ms more per message than predicted; to send them eagerly, set OMPI_MCA_btl_tcp_eager_limit and OMPI_MCA_btl_tcp_max_send_size to ${limit} (a little above the halo) for both the bench runs behind the model and the job`,
    );
  }
  if (job.computeUs === undefined) warnings.push('no --compute-us: compute is taken as 0, the time per step is communication only');
  const compute = (job.computeUs ?? 0) * 1e-6;
  const perStep = comm + compute;
  return {
    secondsPerStep: perStep,
    commSecondsPerStep: comm,
    computeSecondsPerStep: compute,
    totalSeconds: job.steps === undefined ? null : perStep * job.steps,
    model: p2p.name,
    origin: p2p.origin,
    worstNode: worst,
    warnings,
  };
}
