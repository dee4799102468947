//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::cargo::cargo_bin_cmd;

/// A file of `tests/data`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fresh (removed if present) folder in the temporary directory, unique to this process and
/// call, named after `name`; removed again when the returned guard is dropped, so a test leaves
/// nothing behind, pass or fail.
pub fn tmp(name: &str) -> Tmp {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "gwsim-it-{}-{}-{name}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    Tmp(d)
}

/// A temporary path (see [`tmp`]), removed with everything below it on drop.
pub struct Tmp(PathBuf);

impl std::ops::Deref for Tmp {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<Path> for Tmp {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Tmp {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The names of the entries of `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Run the binary, assert success, and parse its standard output as JSON.
pub fn run_json(args: &[&str]) -> serde_json::Value {
    let out = cargo_bin_cmd!("gwsim").args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// |F_n(x) − q| for the estimate x of the q-quantile of `sorted` data, ties allowed for (the
/// rank interval [#< x, #≤ x] / N, in numeric order: −0 = 0, as NumPy's interpolation treats
/// them).
pub fn rank_error(sorted: &[f64], q: f64, x: f64) -> f64 {
    let n = sorted.len() as f64;
    let below = sorted.partition_point(|&v| v < x) as f64 / n;
    let upto = sorted.partition_point(|&v| v <= x) as f64 / n;
    if q < below {
        below - q
    } else if q > upto {
        q - upto
    } else {
        0.0
    }
}
