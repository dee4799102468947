//! Atomic file writes: a temporary file beside the target, renamed over it once written, so a
//! failed or interrupted run never leaves a half-written file. (No `fsync`: the rename is what
//! makes a file appear whole; surviving a power cut is not asked of an export.)

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Create `path`'s folder and return the temporary path beside it (`.NAME.PID.tmp`) that a
/// writer fills before renaming it over `path`.
pub fn prepare_temp(path: &Path) -> std::io::Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(dir.join(format!(".{name}.{}.tmp", std::process::id())))
}

/// Write `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    let tmp = prepare_temp(path).map_err(io)?;
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = std::env::temp_dir().join(format!("gwsim-fsio-{}", std::process::id()));
        let p = dir.join("a").join("summary.json");
        write_atomic(&p, b"one").expect("write");
        write_atomic(&p, b"two").expect("rewrite");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        let names: Vec<_> = fs::read_dir(p.parent().expect("dir"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("gwsim-fsio-fail-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("mkdir");
        // A directory where the file should go: the rename fails, the temporary file is removed.
        let target = dir.join("taken");
        fs::create_dir_all(target.join("inner")).expect("mkdir");
        assert!(write_atomic(&target, b"x").is_err());
        let names: Vec<_> = fs::read_dir(&dir)
            .expect("list")
            .map(|e| e.expect("e").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("taken")]);
        let _ = fs::remove_dir_all(&dir);
    }
}
