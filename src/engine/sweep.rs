//! One value moved across a range, or two across a grid: the scenario run once per point with
//! the values fixed.
//!
//! Every point runs with the same seed, sample count and sampler, so the points share their
//! random numbers (common random numbers, as in a comparison): the change from one point to
//! the next is the effect of the swept value, not sampling noise. The scenario of each point is
//! built by the caller (through `--set`, so an unknown path gets the usual "did you mean"
//! error); this module owns the range and the loop.

use super::RunConfig;
use crate::error::{Error, RangeProblem};
use crate::model::Metric;
use crate::scenario::Scenario;

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 1000;

/// `PATH=LO:HI:N`: `N ≥ 2` evenly spaced values from `LO` to `HI` (both included, `LO < HI`).
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRange {
    pub path: String,
    pub lo: f64,
    pub hi: f64,
    pub n: usize,
}

impl SweepRange {
    /// Parse `PATH=LO:HI:N`. The message of an error says what is wrong and shows the form.
    pub fn parse(spec: &str) -> Result<SweepRange, Error> {
        let bad = |problem: RangeProblem| Error::SetRange {
            spec: spec.to_string(),
            problem,
        };
        let Some((path, range)) = spec.split_once('=') else {
            return Err(bad(RangeProblem::NoEquals));
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(bad(RangeProblem::NoPath));
        }
        let parts: Vec<&str> = range.split(':').map(str::trim).collect();
        let [lo, hi, n] = parts.as_slice() else {
            return Err(bad(RangeProblem::Parts {
                range: range.to_string(),
                parts: parts.len(),
            }));
        };
        let num = |bound: &'static str, s: &str| -> Result<f64, Error> {
            match s.replace('_', "").parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => Err(bad(RangeProblem::NotFinite {
                    bound,
                    text: s.to_string(),
                })),
            }
        };
        let (lo, hi) = (num("LO", lo)?, num("HI", hi)?);
        let Ok(n) = n.replace('_', "").parse::<usize>() else {
            return Err(bad(RangeProblem::NotWhole {
                text: n.to_string(),
            }));
        };
        if n < 2 {
            return Err(bad(RangeProblem::TooFewPoints { n }));
        }
        if n > MAX_POINTS {
            return Err(bad(RangeProblem::TooManyPoints { n, max: MAX_POINTS }));
        }
        if lo >= hi {
            return Err(bad(RangeProblem::NotIncreasing { lo, hi }));
        }
        if path.starts_with("simulation.") {
            return Err(bad(RangeProblem::SimulationPath {
                path: path.to_string(),
            }));
        }
        Ok(SweepRange {
            path: path.to_string(),
            lo,
            hi,
            n,
        })
    }

    /// The `n` values, evenly spaced; the first is exactly `lo` and the last exactly `hi`. Inner
    /// values are rounded to 12 significant digits, so a grid such as 0.4:0.8:5 gives 0.5 and
    /// 0.6, not 0.6000000000000001 (a change far below any input's precision).
    pub fn values(&self) -> Vec<f64> {
        let last = (self.n - 1) as f64;
        (0..self.n)
            .map(|i| {
                if i + 1 == self.n {
                    self.hi
                } else {
                    let v = self.lo + (self.hi - self.lo) * (i as f64 / last);
                    format!("{v:.11e}").parse().unwrap_or(v)
                }
            })
            .collect()
    }

    /// The `--set` argument that fixes the path at `value` (TOML float syntax).
    pub fn set_arg(&self, value: f64) -> String {
        format!("{}={value:?}", self.path)
    }
}

/// One point of a sweep: the value and the metric's summary there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    pub value: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub mean: f64,
}

/// One point of a two-way sweep: the first path's value `x`, the second's `y`, and the
/// metric's summary there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridPoint {
    pub x: f64,
    pub y: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub mean: f64,
}

/// Check the `--set-range` arguments of one sweep: one or two, two on different values (a
/// path equal to the other or inside it moves the same value), a grid of at most
/// [`MAX_POINTS`].
pub fn check_ranges(ranges: &[SweepRange]) -> Result<(), Error> {
    match ranges {
        [_] => Ok(()),
        [a, b] => {
            let inside = |p: &str, q: &str| {
                p == q || p.strip_prefix(q).is_some_and(|rest| rest.starts_with('.'))
            };
            if inside(&a.path, &b.path) || inside(&b.path, &a.path) {
                return Err(Error::SweepSamePath {
                    first: a.path.clone(),
                    second: b.path.clone(),
                });
            }
            if a.n.saturating_mul(b.n) > MAX_POINTS {
                return Err(Error::SweepGrid {
                    rows: a.n,
                    columns: b.n,
                    max: MAX_POINTS,
                });
            }
            Ok(())
        }
        _ => Err(Error::SweepRanges {
            count: ranges.len(),
        }),
    }
}

/// Run the sweep: for each value of `range`, `load(value)` builds the scenario with the path
/// fixed at it, which runs with `cfg` (same seed every point). `progress(done, planned)` counts
/// samples over the whole sweep. An error if a point's scenario does not compute `metric`.
pub fn run_sweep(
    range: &SweepRange,
    metric: Metric,
    cfg: &RunConfig,
    load: &mut dyn FnMut(f64) -> Result<Scenario, Error>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<SweepPoint>, Error> {
    let values = range.values();
    let planned = cfg.samples.saturating_mul(values.len() as u64);
    let mut points = Vec::with_capacity(values.len());
    for (k, &value) in values.iter().enumerate() {
        let s = load(value)?;
        let q = run_point(&s, metric, cfg, &range.set_arg(value), k, planned, progress)?;
        points.push(SweepPoint {
            value,
            p5: q[0],
            p25: q[1],
            p50: q[2],
            p75: q[3],
            p95: q[4],
            mean: q[5],
        });
    }
    Ok(points)
}

/// Run a two-way sweep: every value of `rows` with every value of `columns`, row by row (the
/// first range's value outer), `load(x, y)` building each point's scenario; every point runs
/// with `cfg` (same seed). `progress` counts samples over the whole grid.
pub fn run_grid(
    rows: &SweepRange,
    columns: &SweepRange,
    metric: Metric,
    cfg: &RunConfig,
    load: &mut dyn FnMut(f64, f64) -> Result<Scenario, Error>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<GridPoint>, Error> {
    let (xs, ys) = (rows.values(), columns.values());
    let n = xs.len() * ys.len();
    let planned = cfg.samples.saturating_mul(n as u64);
    let mut points = Vec::with_capacity(n);
    for &x in &xs {
        for &y in &ys {
            let s = load(x, y)?;
            let set = format!("{} and {}", rows.set_arg(x), columns.set_arg(y));
            let q = run_point(&s, metric, cfg, &set, points.len(), planned, progress)?;
            points.push(GridPoint {
                x,
                y,
                p5: q[0],
                p25: q[1],
                p50: q[2],
                p75: q[3],
                p95: q[4],
                mean: q[5],
            });
        }
    }
    Ok(points)
}

/// Run point `k` of a sweep of `planned` samples in all: the metric's p5, p25, p50, p75, p95
/// and mean. `set` names the point's overrides in an error.
fn run_point(
    s: &Scenario,
    metric: Metric,
    cfg: &RunConfig,
    set: &str,
    k: usize,
    planned: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<[f64; 6], Error> {
    let offset = cfg.samples.saturating_mul(k as u64);
    let acc = super::run_metric(s, metric, cfg, set, &mut |done| {
        progress(offset + done, planned)
    })?;
    let q = acc.quantiles(&[0.05, 0.25, 0.5, 0.75, 0.95]);
    Ok([q[0], q[1], q[2], q[3], q[4], acc.mean()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_space_evenly() {
        let r = SweepRange::parse("facility.pue=1.1:1.5:5").expect("valid");
        assert_eq!(r.path, "facility.pue");
        let v = r.values();
        assert_eq!(v.len(), 5);
        assert_eq!(v[0], 1.1);
        assert_eq!(v[4], 1.5);
        assert!((v[2] - 1.3).abs() < 1e-12);
        assert_eq!(r.set_arg(2.0), "facility.pue=2.0");
        assert_eq!(r.set_arg(1e20), "facility.pue=1e20");
        let neg = SweepRange::parse("fleet.a.online=-1e-3:2e3:2").expect("valid");
        assert_eq!(neg.values(), vec![-1e-3, 2e3]);
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        use crate::error::RangeProblem::*;
        let problem = |s: &str| match SweepRange::parse(s) {
            Err(Error::SetRange { spec, problem }) if spec == s => problem,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(problem("facility.pue"), NoEquals);
        assert_eq!(
            problem("facility.pue=1:2"),
            Parts {
                range: "1:2".into(),
                parts: 2
            }
        );
        assert_eq!(
            problem("facility.pue=a:2:3"),
            NotFinite {
                bound: "LO",
                text: "a".into()
            }
        );
        assert_eq!(problem("facility.pue=1:2:x"), NotWhole { text: "x".into() });
        assert_eq!(problem("facility.pue=1:2:1"), TooFewPoints { n: 1 });
        assert_eq!(
            problem("facility.pue=1:2:1001"),
            TooManyPoints {
                n: 1001,
                max: MAX_POINTS
            }
        );
        assert_eq!(
            problem("facility.pue=2:1:3"),
            NotIncreasing { lo: 2.0, hi: 1.0 }
        );
        assert_eq!(
            problem("facility.pue=1:1:3"),
            NotIncreasing { lo: 1.0, hi: 1.0 }
        );
        assert_eq!(problem("=1:2:3"), NoPath);
        assert_eq!(
            problem("simulation.seed=1:2:3"),
            SimulationPath {
                path: "simulation.seed".into()
            }
        );
        assert!(matches!(
            problem("facility.pue=1:inf:3"),
            NotFinite { bound: "HI", .. }
        ));
        // The message names the argument, what is wrong and the expected form.
        let msg = SweepRange::parse("facility.pue=a:2:3")
            .expect_err("LO")
            .to_string();
        assert_eq!(
            msg,
            "--set-range 'facility.pue=a:2:3': LO 'a' is not a finite number \
             (expected PATH=LO:HI:N, e.g. facility.pue=1.1:1.5:9)"
        );
        let msg = SweepRange::parse("simulation.seed=1:2:3")
            .expect_err("simulation")
            .to_string();
        assert!(msg.contains("--seed"), "{msg}");
    }

    #[test]
    fn one_or_two_ranges_on_different_values() {
        let r = |s: &str| SweepRange::parse(s).expect("valid");
        let pue = r("facility.pue=1.1:1.5:3");
        let oh = r("facility.it_overhead=0:0.2:2");
        assert!(check_ranges(std::slice::from_ref(&pue)).is_ok());
        assert!(check_ranges(&[pue.clone(), oh.clone()]).is_ok());
        assert!(matches!(
            check_ranges(&[pue.clone(), oh.clone(), r("workload.utilization=0.3:0.9:3")]),
            Err(Error::SweepRanges { count: 3 })
        ));
        assert!(matches!(
            check_ranges(&[]),
            Err(Error::SweepRanges { count: 0 })
        ));
        assert!(matches!(
            check_ranges(&[pue.clone(), r("facility.pue=1:2:2")]),
            Err(Error::SweepSamePath { .. })
        ));
        // A path inside the other moves part of the same value; a shared prefix alone does not.
        assert!(matches!(
            check_ranges(&[
                r("procurement.price_usd_per_gpu_hour=2:6:3"),
                r("procurement.price_usd_per_gpu_hour.gb200-nvl72=2:6:3")
            ]),
            Err(Error::SweepSamePath { .. })
        ));
        assert!(
            check_ranges(&[
                r("fleet.a.online=2027:2029:3"),
                r("fleet.ab.online=2027:2029:3")
            ])
            .is_ok()
        );
        let msg = check_ranges(&[r("facility.pue=1:2:40"), r("facility.it_overhead=0:1:30")])
            .expect_err("too many")
            .to_string();
        assert!(
            msg.contains("40 × 30 grid has 1200 points") && msg.contains("1000"),
            "{msg}"
        );
    }
}
