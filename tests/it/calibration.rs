//! docs/calibration.md, reproduced: each published throughput point against gwsim's roofline
//! at the default serving efficiency. The tables of the document are made here; the test fails
//! when they differ from what the code gives (`GWSIM_BLESS=1` rewrites them).

use std::fmt::Write;
use std::path::Path;

use gwsim::engine::{RunConfig, Simulation};
use gwsim::model::{self, Metric};
use gwsim::scenario::{DEFAULT_SERVING_EFFICIENCY, load};

/// One published throughput point and how the probe scenario reproduces its configuration.
struct Point {
    id: &'static str,
    /// A key of [`SOURCES`].
    source: &'static str,
    what: &'static str,
    /// The figure as published, with its unit.
    published: &'static str,
    /// Output tokens per second per GPU (a total converted with O / (I + O)).
    output: f64,
    /// `--set` overrides of the probe (`docs/calibration/roofline.toml`).
    sets: &'static [&'static str],
    /// Why gwsim misses it by more than a factor of two (empty when it does not).
    why: &'static str,
}

const SOURCES: &[(&str, &str)] = &[
    (
        "IX-GB200",
        "SemiAnalysis, InferenceX, \"DeepSeek R1 — B200 vs GB200 NVL72\" (8k/1k, FP8; totals of input and output tokens), 2025-26",
    ),
    (
        "IX-H100",
        "SemiAnalysis, InferenceX, \"DeepSeek R1 — B200 vs H100\" (1k/1k, FP8; totals), 2025-26",
    ),
    (
        "IX-BEST",
        "SemiAnalysis, \"Best GPU for DeepSeek-R1-0528 Inference\" (InferenceX, 8k/1k; totals; best throughput per GPU), 6 Apr 2026",
    ),
    (
        "MLPERF",
        "MLCommons, MLPerf Inference v5.1 Datacenter results (output tokens; per GPU = system / accelerators; interactivity = 1000 / median TPOT), 9 Sep 2025",
    ),
];

const R1_FP4: &str = "workload.model.bytes_per_param=0.5";
const BIG_BATCH: &str = "A: the roofline's batch at this interactivity";
const SMALL_BATCH: &str = "B: a batch of a few sequences";
const DENSE: &str = "C: a dense model at low interactivity";
const TWO_SERVERS: &str = "D: two 8-GPU servers";

const POINTS: &[Point] = &[
    Point {
        id: "1",
        source: "IX-GB200",
        what: "GB200 NVL72, DeepSeek-R1 FP8, 8k/1k, 75 tok/s/user",
        published: "5,790 total tok/s/GPU",
        output: 5789.6 / 9.0,
        sets: &[],
        why: "",
    },
    Point {
        id: "2",
        source: "IX-GB200",
        what: "GB200 NVL72, DeepSeek-R1 FP8, 8k/1k, 120 tok/s/user",
        published: "3,988 total tok/s/GPU",
        output: 3987.5 / 9.0,
        sets: &["workload.interactivity_tok_s=120"],
        why: BIG_BATCH,
    },
    Point {
        id: "3",
        source: "IX-GB200",
        what: "GB200 NVL72, DeepSeek-R1 FP8, 8k/1k, 164 tok/s/user",
        published: "818 total tok/s/GPU",
        output: 817.8 / 9.0,
        sets: &["workload.interactivity_tok_s=164"],
        why: BIG_BATCH,
    },
    Point {
        id: "4",
        source: "IX-GB200",
        what: "B200 HGX, DeepSeek-R1 FP8, 8k/1k, 75 tok/s/user",
        published: "2,558 total tok/s/GPU",
        output: 2557.7 / 9.0,
        sets: &["fleet.probe.system=b200-hgx"],
        why: "",
    },
    Point {
        id: "5",
        source: "IX-GB200",
        what: "B200 HGX, DeepSeek-R1 FP8, 8k/1k, 120 tok/s/user",
        published: "1,110 total tok/s/GPU",
        output: 1110.0 / 9.0,
        sets: &[
            "fleet.probe.system=b200-hgx",
            "workload.interactivity_tok_s=120",
        ],
        why: SMALL_BATCH,
    },
    Point {
        id: "6",
        source: "IX-H100",
        what: "B200 HGX, DeepSeek-R1 FP8, 1k/1k, 71 tok/s/user",
        published: "1,020 total tok/s/GPU",
        output: 1020.2 / 2.0,
        sets: &[
            "fleet.probe.system=b200-hgx",
            "workload.input_tokens=1000",
            "workload.interactivity_tok_s=71",
        ],
        why: BIG_BATCH,
    },
    Point {
        id: "7",
        source: "IX-H100",
        what: "B200 HGX, DeepSeek-R1 FP8, 1k/1k, 100 tok/s/user",
        published: "497 total tok/s/GPU",
        output: 497.5 / 2.0,
        sets: &[
            "fleet.probe.system=b200-hgx",
            "workload.input_tokens=1000",
            "workload.interactivity_tok_s=100",
        ],
        why: SMALL_BATCH,
    },
    Point {
        id: "8",
        source: "IX-BEST",
        what: "GB200 NVL72, DeepSeek-R1 FP4, 8k/1k, 27 tok/s/user",
        published: "14,952 total tok/s/GPU",
        output: 14952.0 / 9.0,
        sets: &[R1_FP4, "workload.interactivity_tok_s=27.1"],
        why: "",
    },
    Point {
        id: "9",
        source: "IX-BEST",
        what: "GB300 NVL72, DeepSeek-R1 FP4, 8k/1k, 30 tok/s/user",
        published: "18,132 total tok/s/GPU",
        output: 18131.6 / 9.0,
        sets: &[
            "fleet.probe.system=gb300-nvl72",
            R1_FP4,
            "workload.interactivity_tok_s=29.8",
        ],
        why: "",
    },
    Point {
        id: "10",
        source: "IX-BEST",
        what: "B200 HGX, DeepSeek-R1 FP4, 8k/1k, 30 tok/s/user",
        published: "13,430 total tok/s/GPU",
        output: 13429.7 / 9.0,
        sets: &[
            "fleet.probe.system=b200-hgx",
            R1_FP4,
            "workload.interactivity_tok_s=29.9",
        ],
        why: "",
    },
    Point {
        id: "11",
        source: "MLPERF",
        what: "GB300 NVL72, DeepSeek-R1 FP4, server (804 in / 3,676 out), 15 tok/s/user",
        published: "209,328 tok/s for 72 GPUs",
        output: 209_327.68 / 72.0,
        sets: &[
            "fleet.probe.system=gb300-nvl72",
            R1_FP4,
            "workload.input_tokens=804",
            "workload.output_tokens=3676",
            "workload.interactivity_tok_s=15.1",
        ],
        why: "",
    },
    Point {
        id: "12",
        source: "MLPERF",
        what: "GB200 NVL72, DeepSeek-R1 FP4, server, 16 tok/s/user",
        published: "167,578 tok/s for 72 GPUs",
        output: 167_578.06 / 72.0,
        sets: &[
            R1_FP4,
            "workload.input_tokens=804",
            "workload.output_tokens=3676",
            "workload.interactivity_tok_s=16.3",
        ],
        why: "",
    },
    Point {
        id: "13",
        source: "MLPERF",
        what: "B200 (8 GPUs), DeepSeek-R1 FP4, server, 14 tok/s/user",
        published: "18,592 tok/s for 8 GPUs",
        output: 18_592.24 / 8.0,
        sets: &[
            "fleet.probe.system=b200-hgx",
            R1_FP4,
            "workload.input_tokens=804",
            "workload.output_tokens=3676",
            "workload.interactivity_tok_s=14.3",
        ],
        why: "",
    },
    Point {
        id: "14",
        source: "MLPERF",
        what: "GB300 NVL72, Llama 3.1 405B FP4, server (9,429 in / 685 out), 13 tok/s/user",
        published: "12,248 tok/s for 72 GPUs (170 per GPU)",
        output: 12_248.42 / 72.0,
        sets: &[
            "fleet.probe.system=gb300-nvl72",
            "workload.model.total_params_b=405",
            "workload.model.active_params_b=405",
            "workload.model.bytes_per_param=0.5",
            "workload.model.kv_bytes_per_token=258048",
            "workload.input_tokens=9429",
            "workload.output_tokens=685",
            "workload.interactivity_tok_s=13.2",
        ],
        why: "",
    },
    Point {
        id: "15",
        source: "MLPERF",
        what: "GB200 NVL72, Llama 3.1 405B FP4, server, 15 tok/s/user",
        published: "11,614 tok/s for 72 GPUs",
        output: 11_614.28 / 72.0,
        sets: &[
            "workload.model.total_params_b=405",
            "workload.model.active_params_b=405",
            "workload.model.bytes_per_param=0.5",
            "workload.model.kv_bytes_per_token=258048",
            "workload.input_tokens=9429",
            "workload.output_tokens=685",
            "workload.interactivity_tok_s=15",
        ],
        why: "",
    },
    Point {
        id: "16",
        source: "MLPERF",
        what: "B200 (8 GPUs), Llama 3.1 405B FP4, server, 10 tok/s/user",
        published: "1,240 tok/s for 8 GPUs",
        output: 1240.42 / 8.0,
        sets: &[
            "fleet.probe.system=b200-hgx",
            "workload.model.total_params_b=405",
            "workload.model.active_params_b=405",
            "workload.model.bytes_per_param=0.5",
            "workload.model.kv_bytes_per_token=258048",
            "workload.input_tokens=9429",
            "workload.output_tokens=685",
            "workload.interactivity_tok_s=9.9",
        ],
        why: DENSE,
    },
    Point {
        id: "17",
        source: "MLPERF",
        what: "B200 (8 GPUs), Llama 2 70B FP4, interactive (222 in / 273 out), 29 tok/s/user",
        published: "59,545 tok/s for 8 GPUs",
        output: 59_545.45 / 8.0,
        sets: &[
            "fleet.probe.system=b200-hgx",
            "workload.model.total_params_b=70",
            "workload.model.active_params_b=70",
            "workload.model.bytes_per_param=0.5",
            "workload.model.kv_bytes_per_token=163840",
            "workload.input_tokens=222",
            "workload.output_tokens=273",
            "workload.interactivity_tok_s=29",
        ],
        why: "",
    },
    Point {
        id: "18",
        source: "MLPERF",
        what: "B200 (8 GPUs), Llama 2 70B FP4, server, 8 tok/s/user",
        published: "99,123 tok/s for 8 GPUs",
        output: 99_123.04 / 8.0,
        sets: &[
            "fleet.probe.system=b200-hgx",
            "workload.model.total_params_b=70",
            "workload.model.active_params_b=70",
            "workload.model.bytes_per_param=0.5",
            "workload.model.kv_bytes_per_token=163840",
            "workload.input_tokens=222",
            "workload.output_tokens=273",
            "workload.interactivity_tok_s=7.9",
        ],
        why: DENSE,
    },
    Point {
        id: "19",
        source: "MLPERF",
        what: "H100 (16 GPUs), Llama 2 70B FP8, server, 7 tok/s/user",
        published: "61,101 tok/s for 16 GPUs",
        output: 61_101.32 / 16.0,
        sets: &[
            "fleet.probe.system=h100-hgx",
            "workload.model.total_params_b=70",
            "workload.model.active_params_b=70",
            "workload.model.kv_bytes_per_token=163840",
            "workload.input_tokens=222",
            "workload.output_tokens=273",
            "workload.interactivity_tok_s=7",
        ],
        why: DENSE,
    },
    Point {
        id: "20",
        source: "IX-H100",
        what: "H100 HGX, DeepSeek-R1 FP8, 1k/1k, 42 tok/s/user (two 8-GPU servers)",
        published: "266 total tok/s/GPU",
        output: 266.3 / 2.0,
        sets: &[
            "fleet.probe.system=h100-hgx",
            "workload.input_tokens=1000",
            "workload.interactivity_tok_s=42",
        ],
        why: TWO_SERVERS,
    },
    Point {
        id: "21",
        source: "IX-BEST",
        what: "H100 HGX, DeepSeek-R1 FP8, 8k/1k, 40 tok/s/user (two 8-GPU servers)",
        published: "850 total tok/s/GPU",
        output: 850.1 / 9.0,
        sets: &[
            "fleet.probe.system=h100-hgx",
            "workload.interactivity_tok_s=39.8",
        ],
        why: TWO_SERVERS,
    },
];

const BEGIN: &str = "<!-- calibration:throughput:begin (made by tests/it/calibration.rs) -->";
const END: &str = "<!-- calibration:throughput:end -->";

/// Output tokens per second per GPU that gwsim gives for a point: the probe with the point's
/// overrides, every input at its median (what `gwsim explain` prints).
fn gwsim_tps(probe: &Path, sets: &[&str]) -> f64 {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let s = load(probe, &sets).unwrap_or_else(|e| panic!("{sets:?}: {e}"));
    let sim = Simulation::new(&s, &RunConfig::from_scenario(&s)).expect("simulation");
    model::evaluate(&sim.plan, &sim.template).metric(Metric::OutputTokensPerGpuS)
}

pub(crate) fn fmt(x: f64) -> String {
    if x >= 100.0 {
        let r = x.round() as i64;
        let s = r.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        format!("{x:.1}")
    }
}

fn tables(root: &Path) -> (String, usize, usize) {
    let probe = root.join("docs/calibration/roofline.toml");
    let (p5, p95) = DEFAULT_SERVING_EFFICIENCY;
    let median = (p5 * p95).sqrt();
    let mut t = String::new();
    writeln!(
        t,
        "| # | point | published | output tok/s/GPU | gwsim, efficiency {:.3} (p5–p95) | published / gwsim | within 2× |",
        median
    )
    .unwrap();
    writeln!(t, "|---|---|---|---|---|---|---|").unwrap();
    let (mut within, mut in_domain) = (0, 0);
    for p in POINTS {
        let g = gwsim_tps(&probe, p.sets);
        let ratio = p.output / g;
        let ok = (0.5..=2.0).contains(&ratio);
        assert_eq!(
            ok,
            p.why.is_empty(),
            "point {}: published / gwsim = {ratio:.2}; a miss needs its reason, a fit none",
            p.id
        );
        if p.why != TWO_SERVERS {
            in_domain += 1;
            within += usize::from(ok);
        }
        let verdict = if ok {
            "yes".to_string()
        } else {
            format!("no ({})", &p.why[..1])
        };
        writeln!(
            t,
            "| {} | {} [{}] | {} | {} | {} ({}–{}) | {:.2} | {} |",
            p.id,
            p.what,
            p.source,
            p.published,
            fmt(p.output),
            fmt(g),
            fmt(g * p5 / median),
            fmt(g * p95 / median),
            ratio,
            verdict
        )
        .unwrap();
    }
    writeln!(t).unwrap();
    writeln!(
        t,
        "Within a factor of two at the default's median: {within} of the {in_domain} points whose model fits one scale-up domain."
    )
    .unwrap();
    writeln!(t).unwrap();
    writeln!(
        t,
        "Commands (each prints `output_tokens_per_gpu_s` under *Result at the medians*):"
    )
    .unwrap();
    writeln!(t).unwrap();
    writeln!(t, "```sh").unwrap();
    for p in POINTS {
        let sets: String = p.sets.iter().map(|s| format!(" --set {s}")).collect();
        writeln!(
            t,
            "gwsim explain docs/calibration/roofline.toml{sets}   # {}",
            p.id
        )
        .unwrap();
    }
    writeln!(t, "```").unwrap();
    writeln!(t).unwrap();
    writeln!(t, "Sources:").unwrap();
    writeln!(t).unwrap();
    for (key, text) in SOURCES {
        writeln!(t, "- [{key}] {text}").unwrap();
    }
    (t, within, in_domain)
}

/// Replaces the text between `begin` and `end` of docs/calibration.md with `table` under
/// `GWSIM_BLESS`, or checks that it is what is written there.
pub(crate) fn check_or_bless(root: &Path, begin: &str, end: &str, table: &str) {
    let doc_path = root.join("docs/calibration.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/calibration.md");
    let start = doc.find(begin).expect("begin marker") + begin.len();
    let stop = doc.find(end).expect("end marker");
    let written = doc[start..stop].trim();
    if std::env::var_os("GWSIM_BLESS").is_some() {
        let new = format!(
            "{}{begin}\n\n{}\n\n{}",
            &doc[..start - begin.len()],
            table.trim(),
            &doc[stop..]
        );
        std::fs::write(&doc_path, new).expect("write");
    } else {
        assert_eq!(
            written,
            table.trim(),
            "docs/calibration.md is not what the code gives: run GWSIM_BLESS=1 cargo test calibration"
        );
    }
}

#[test]
fn calibration_document_is_what_the_code_gives() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (table, within, in_domain) = tables(root);
    check_or_bless(root, BEGIN, END, &table);
    // The default range is the calibration's: most points that fit one domain within 2×.
    assert!(within * 2 > in_domain, "{within} of {in_domain}");
}
