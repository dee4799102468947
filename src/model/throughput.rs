//! Output tokens per second per GPU from first principles: the roofline of a served model on a
//! system's memory, bandwidth and compute (docs/model.md, "Throughput").
//!
//! Decoding at `u` tokens per second per user, a model replica runs steps of `B` sequences;
//! each step reads the weights the batch needs and every sequence's context from HBM, and does
//! two FLOPs per active parameter per sequence. `B` is the largest batch that HBM bandwidth,
//! compute and HBM capacity allow; prefill of the uncached input adds compute per request.

/// Share of a domain's HBM that the weights may take; the rest holds the KV cache.
pub const WEIGHTS_SHARE_OF_HBM: f64 = 0.8;

/// The figures of one system the roofline reads (per GPU).
#[derive(Debug, Clone, Copy)]
pub struct Hardware {
    /// HBM capacity, GB.
    pub hbm_gb: f64,
    /// HBM bandwidth, TB/s.
    pub hbm_tb_s: f64,
    /// Dense FLOP/s at the weights' precision ([`flops_for_precision`]).
    pub flops: f64,
    /// GPUs of one scale-up domain.
    pub scaleup_gpus: f64,
}

/// The served model and the workload, per request.
#[derive(Debug, Clone, Copy)]
pub struct Served {
    pub total_params_b: f64,
    pub active_params_b: f64,
    pub bytes_per_param: f64,
    pub kv_bytes_per_token: f64,
    pub input_tokens: f64,
    pub output_tokens: f64,
    pub cached_input_share: f64,
    /// Output tokens per second per user.
    pub interactivity_tok_s: f64,
    pub serving_efficiency: f64,
}

/// Which limit sets the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// HBM bandwidth: the weights and contexts a step reads.
    Memory,
    /// Compute: two FLOPs per active parameter per sequence per token.
    Compute,
    /// HBM capacity: the KV cache of the batch beside the weights.
    Capacity,
}

impl Bound {
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Memory => "memory bandwidth",
            Bound::Compute => "compute",
            Bound::Capacity => "KV capacity",
        }
    }
}

/// Every intermediate quantity of the roofline, for `explain`; [`Roofline::tps`] is the result.
#[derive(Debug, Clone, Copy)]
pub struct Roofline {
    /// Bytes of all the weights, `W`.
    pub weights_bytes: f64,
    /// Bytes of the weights one token uses, `Wa`.
    pub active_bytes: f64,
    /// Scale-up domains per replica, `k`.
    pub domains: f64,
    /// GPUs per replica, `R = k × G`.
    pub replica_gpus: f64,
    /// Mean context of a decoded token, `I + O/2`.
    pub context: f64,
    pub b_mem: f64,
    /// `B_mem` is set by reading all the weights once per step (the batch's experts cover the
    /// model), not the active weights once per sequence.
    pub b_mem_all_weights: bool,
    pub b_cmp: f64,
    pub b_cap: f64,
    /// `min(B_mem, B_cmp, B_cap)`.
    pub batch: f64,
    pub bound: Bound,
    /// Decode rate per GPU, output tokens per second.
    pub decode: f64,
    /// Prefill, GPU-seconds per request.
    pub prefill_s: f64,
    /// The model fits and the interactivity target is met (`B ≥ 1`).
    pub met: bool,
    /// Output tokens per second per GPU while serving.
    pub tps: f64,
}

/// FLOP/s per GPU at the weights' precision: FP4 when the weights take at most half a byte and
/// the system has an FP4 rate; FP8 up to one byte; half the FP8 rate (dense BF16) above.
#[inline(always)]
pub fn flops_for_precision(bytes_per_param: f64, pflops_fp8: f64, pflops_fp4: Option<f64>) -> f64 {
    match pflops_fp4 {
        Some(fp4) if bytes_per_param <= 0.5 => fp4 * 1e15,
        _ if bytes_per_param <= 1.0 => pflops_fp8 * 1e15,
        _ => pflops_fp8 / 2.0 * 1e15,
    }
}

/// `x.ceil()` by [`super::fleet::floor`], which vectorises.
#[inline(always)]
fn ceil(x: f64) -> f64 {
    -super::fleet::floor(-x)
}

/// The roofline of `m` on `hw` (docs/model.md, "Throughput").
#[inline(always)]
pub fn roofline(hw: Hardware, m: Served) -> Roofline {
    let bw = hw.hbm_tb_s * 1e12;
    let cap = hw.hbm_gb * 1e9;
    let f = hw.flops;
    let g = hw.scaleup_gpus;
    let w = m.total_params_b * 1e9 * m.bytes_per_param;
    // A sample whose active parameters exceed the total (the two are drawn separately) serves
    // a dense model: every parameter active.
    let na = m.active_params_b.min(m.total_params_b) * 1e9;
    let wa = na * m.bytes_per_param;
    let kv = m.kv_bytes_per_token;
    let (i, o, u) = (m.input_tokens, m.output_tokens, m.interactivity_tok_s);
    // 1. Replica: the weights take at most 80% of the domains' HBM.
    let k = ceil(w / (WEIGHTS_SHARE_OF_HBM * g * cap) - 1e-9);
    let k = if k > 1.0 { k } else { 1.0 };
    let r = k * g;
    // 2. The three limits on the batch.
    let ctx = i + o / 2.0;
    let budget = r * bw / u;
    let b_all = budget / (wa + ctx * kv);
    let b_mem_all_weights = b_all * wa > w;
    let b_mem = if b_mem_all_weights {
        (budget - w) / (ctx * kv)
    } else {
        b_all
    };
    let b_cmp = r * f / (2.0 * na * u);
    let b_cap = (r * cap - w) / ((i + o) * kv);
    let (batch, bound) = if b_mem <= b_cmp && b_mem <= b_cap {
        (b_mem, Bound::Memory)
    } else if b_cmp <= b_cap {
        (b_cmp, Bound::Compute)
    } else {
        (b_cap, Bound::Capacity)
    };
    // 3. Decode rate per GPU: the batch at the target; below one sequence, one sequence as fast
    // as it can go; nothing when the model does not fit.
    let t1_mem = (wa + ctx * kv) / (r * bw);
    let t1_cmp = 2.0 * na / (r * f);
    let t1 = if t1_mem > t1_cmp { t1_mem } else { t1_cmp };
    let met = batch >= 1.0;
    let fits = b_cap >= 1.0;
    let decode = if met {
        batch * u / r
    } else if fits {
        1.0 / (r * t1)
    } else {
        0.0
    };
    // 4. Prefill of the uncached input, GPU-seconds per request.
    let prefill_s = i * (1.0 - m.cached_input_share) * 2.0 * na / f;
    // 5. Output tokens per GPU-second of serving.
    let tps = if decode > 0.0 {
        m.serving_efficiency * o / (prefill_s + o / decode)
    } else {
        0.0
    };
    Roofline {
        weights_bytes: w,
        active_bytes: wa,
        domains: k,
        replica_gpus: r,
        context: ctx,
        b_mem,
        b_mem_all_weights,
        b_cmp,
        b_cap,
        batch,
        bound,
        decode,
        prefill_s,
        met,
        tps,
    }
}
