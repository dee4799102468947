//! Writing files without harm: a command's files appear as a set, never half-written, never over
//! a file the command reads, never in place of something that is not a regular file.
//!
//! - [`FileSet`]: the files of one command in its output folder. Each file is written to a
//!   temporary file beside its place (`.gwsim-PID-tmp-NAME`); when the command has written all
//!   of them, [`FileSet::commit`] renames them into place in one go and removes the files of an
//!   earlier run of the same command that this run did not write (charts after `--no-charts`),
//!   so the folder never mixes two runs. A failed or interrupted command leaves the previous
//!   set as it was. The folder is checked when the set is made, before any work.
//! - [`Export`]: one file named by the user (`--samples-out`): a regular file is replaced
//!   atomically; a FIFO or a device is written through, never replaced; a link is followed.
//! - Every temporary file is registered while it exists: [`remove_temporaries`] (called on
//!   SIGINT or SIGTERM) removes them all, and a later command removes those of a killed one.
//!
//! No `fsync`: the rename is what makes a file appear whole; surviving a power cut is not asked
//! of an export.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::Error;

/// The temporary files that exist now, to remove on an interrupt.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner())
}

fn register(path: &Path) {
    temporaries().push(path.to_path_buf());
}

fn unregister(path: &Path) {
    temporaries().retain(|p| p != path);
}

/// Remove every temporary file of this process, and keep others from being made or renamed
/// until the process ends: for an interrupt handler that exits right after. A set being
/// committed finishes first (the commit holds the same lock).
pub fn remove_temporaries() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut temps = temporaries();
    for p in temps.drain(..) {
        let _ = fs::remove_file(&p);
    }
    temps
}

/// The temporary name of `name` for this process: hidden, and ending as `name` ends (a PNG
/// encoder goes by the extension).
fn temp_name(name: &str) -> String {
    format!(".gwsim-{}-tmp-{name}", std::process::id())
}

/// The process id of a temporary file's name, when it is one of gwsim's (`.gwsim-PID-tmp-…`,
/// or the older `.NAME.PID.tmp` and `.NAME.PID.tmp.png`).
fn temp_owner(name: &str) -> Option<u32> {
    if let Some(rest) = name.strip_prefix(".gwsim-") {
        let (pid, tail) = rest.split_once('-')?;
        return tail.starts_with("tmp-").then(|| pid.parse().ok())?;
    }
    let stem = name
        .strip_suffix(".tmp.png")
        .or_else(|| name.strip_suffix(".tmp"))?;
    let (_, pid) = stem.strip_prefix('.')?.rsplit_once('.')?;
    pid.parse().ok()
}

/// Whether process `pid` still runs (on Linux; elsewhere a temporary file is taken as left
/// over when it is more than a day old).
fn alive(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_none_or(|age| age.as_secs() < 86_400)
    }
}

/// Remove the temporary files that a killed gwsim left in `dir`.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if let Some(pid) = temp_owner(&name)
            && e.file_type().is_ok_and(|t| t.is_file())
            && !alive(pid, &path)
        {
            let _ = fs::remove_file(&path);
        }
    }
}

fn output_error(flag: &'static str, path: &Path, problem: impl Into<String>) -> Error {
    Error::Output {
        flag,
        path: path.display().to_string(),
        problem: problem.into(),
    }
}

/// A path made absolute and free of links as far as it exists (a file that does not exist yet
/// keeps its name under its folder's canonical path).
pub fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(resolved(parent)?.join(name))
}

/// Which file names belong to a command (its earlier runs' files too).
pub type Owns = Box<dyn Fn(&str) -> bool>;

/// The files of one command in one folder, written as a set (see the module docs).
pub struct FileSet {
    dir: PathBuf,
    owns: Owns,
    /// `(temporary path, final name)` of every file written so far.
    pending: Vec<(PathBuf, String)>,
}

impl FileSet {
    /// A set in `dir` (made when missing), for the option `flag` (`--out`). Refused, before any
    /// work: a `dir` that is or lies under something other than a folder, a folder that cannot
    /// be written, a file of `reads` (files the command reads) that the set would replace or
    /// remove, and a name of the set taken by something other than a regular file. Removes
    /// the temporary files of a killed run.
    pub fn create(
        dir: &Path,
        flag: &'static str,
        owns: Owns,
        reads: &[PathBuf],
    ) -> Result<FileSet, Error> {
        let err = |problem: String| output_error(flag, dir, problem);
        // The nearest part of the path that exists must be a folder.
        let mut existing = Some(dir);
        while let Some(p) = existing {
            if p.as_os_str().is_empty() {
                break;
            }
            match fs::metadata(p) {
                Ok(m) if m.is_dir() => break,
                Ok(_) if p == dir => {
                    return Err(err("it is a file, not a folder; name a folder".into()));
                }
                Ok(_) => {
                    return Err(err(format!(
                        "'{}' is a file, not a folder, so no folder can be made under it",
                        p.display()
                    )));
                }
                Err(_) => existing = p.parent(),
            }
        }
        fs::create_dir_all(dir).map_err(|e| err(format!("cannot make the folder: {e}")))?;
        remove_leftovers(dir);
        let canonical = fs::canonicalize(dir).map_err(|e| err(e.to_string()))?;
        for r in reads {
            let inside = r.parent() == Some(canonical.as_path());
            let name = r.file_name().map(|n| n.to_string_lossy().into_owned());
            if let (true, Some(name)) = (inside, name)
                && owns(&name)
            {
                return Err(err(format!(
                    "it holds '{name}', a file this command reads, and the command writes a file \
                     of that name there; gwsim never writes over a file it reads: choose another \
                     folder"
                )));
            }
        }
        if let Ok(entries) = fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if owns(&name) && !e.file_type().is_ok_and(|t| t.is_file()) {
                    return Err(err(format!(
                        "'{name}' there is not a regular file (a link, a folder or a device), and \
                         the command would replace it; remove it or choose another folder"
                    )));
                }
            }
        }
        // Writable? Try now rather than after the work.
        let probe = dir.join(temp_name("probe"));
        fs::File::create(&probe).map_err(|e| err(format!("cannot write in the folder: {e}")))?;
        let _ = fs::remove_file(&probe);
        Ok(FileSet {
            dir: dir.to_path_buf(),
            owns,
            pending: Vec::new(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The name of `path` when it is a file of this set's folder that the command writes (or
    /// removes at [`FileSet::commit`]): a file named by another option must not be one.
    pub fn claims(&self, path: &Path) -> Option<String> {
        let full = resolved(path)?;
        let in_dir = full.parent() == fs::canonicalize(&self.dir).ok().as_deref();
        let name = full.file_name()?.to_string_lossy().into_owned();
        (in_dir && (self.owns)(&name)).then_some(name)
    }

    /// A temporary path for the file `name`, to be filled by the caller (a chart library that
    /// writes to a path); it becomes `name` at [`FileSet::commit`].
    pub fn temp_path(&mut self, name: &str) -> PathBuf {
        let tmp = self.dir.join(temp_name(name));
        register(&tmp);
        self.pending.retain(|(_, n)| n != name);
        self.pending.push((tmp.clone(), name.to_string()));
        tmp
    }

    /// Write the file `name`.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let tmp = self.temp_path(name);
        let result = fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
        result.map_err(|e| {
            self.discard(name);
            Error::Io {
                path: self.dir.join(name).display().to_string(),
                source: e,
            }
        })
    }

    /// Forget the file `name` (its writing failed): its temporary file is removed.
    pub fn discard(&mut self, name: &str) {
        self.pending.retain(|(tmp, n)| {
            if n == name {
                let _ = fs::remove_file(tmp);
                unregister(tmp);
            }
            n != name
        });
    }

    /// Put every file in place, and remove the files of this command that an earlier run wrote
    /// and this one did not. Returns the paths written.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, Error> {
        let mut temps = temporaries();
        let mut written = Vec::new();
        for (tmp, name) in std::mem::take(&mut self.pending) {
            let path = self.dir.join(&name);
            temps.retain(|p| *p != tmp);
            if let Err(e) = fs::rename(&tmp, &path) {
                let _ = fs::remove_file(&tmp);
                return Err(Error::Io {
                    path: path.display().to_string(),
                    source: e,
                });
            }
            written.push(path);
        }
        if let Ok(entries) = fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let path = e.path();
                if (self.owns)(&name)
                    && !written.contains(&path)
                    && e.file_type().is_ok_and(|t| t.is_file())
                {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        drop(temps);
        Ok(written)
    }
}

impl Drop for FileSet {
    fn drop(&mut self) {
        // Not committed: the previous set stays as it was.
        for (tmp, _) in self.pending.drain(..) {
            let _ = fs::remove_file(&tmp);
            unregister(&tmp);
        }
    }
}

/// Write `bytes` to `path` atomically (temporary file in the same folder, then rename), making
/// the folder when missing. For files outside a command's set (tests, single exports).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(temp_name(&name));
    register(&tmp);
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    unregister(&tmp);
    result.map_err(io)
}

/// The path a chain of symbolic links at `path` ends at (that path may not exist yet).
fn follow_links(path: &Path) -> Result<PathBuf, &'static str> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = fs::read_link(&p).map_err(|_| "its link cannot be read")?;
                p = match p.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(p),
        }
    }
    Err("it is a chain of more than 40 symbolic links")
}

/// One file named by the user, written as it is filled: see the module docs.
#[derive(Debug)]
pub struct Export {
    /// Where the bytes go: the temporary file, or the target itself when written through.
    file: fs::File,
    path: PathBuf,
    /// The temporary file renamed over `path` at [`Export::finish`]; `None` when written
    /// through (a FIFO, a device).
    tmp: Option<PathBuf>,
}

impl Export {
    /// Open `path` for the option `flag` (`--samples-out`). Refused: a file of `reads`
    /// (followed through links), a folder, a socket, a link to nothing.
    pub fn create(path: &Path, flag: &'static str, reads: &[PathBuf]) -> Result<Export, Error> {
        let err = |problem: String| output_error(flag, path, problem);
        let target = follow_links(path).map_err(|e| err(e.into()))?;
        if let Some(full) = resolved(&target)
            && let Some(r) = reads.iter().find(|r| **r == full)
        {
            return Err(err(format!(
                "that is '{}', a file this command reads; gwsim never writes over a file it \
                 reads: name another file",
                r.display()
            )));
        }
        let meta = fs::metadata(&target).ok();
        if let Some(m) = &meta {
            if m.is_dir() {
                return Err(err("it is a folder; name a file".into()));
            }
            if !m.is_file() {
                if !is_writable_special(m) {
                    return Err(err(
                        "it is not a regular file, a FIFO or a device; name a file".into(),
                    ));
                }
                // A FIFO or a device: written through, never replaced.
                let file = fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| err(format!("cannot open it: {e}")))?;
                return Ok(Export {
                    file,
                    path: target,
                    tmp: None,
                });
            }
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // Only --out folders are made; a missing folder here is more likely a typo.
        if !dir.is_dir() {
            // A path under a file names no folder at all; a missing folder is to be made.
            let under_file = dir.ancestors().any(|a| a.is_file());
            return Err(err(if under_file {
                format!(
                    "cannot make its folder '{}': a file of that name is in the way",
                    dir.display()
                )
            } else {
                format!(
                    "its folder '{}' does not exist; make it first (gwsim makes only --out \
                     folders)",
                    dir.display()
                )
            }));
        }
        remove_leftovers(&dir);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(temp_name(&name));
        register(&tmp);
        let file = fs::File::create(&tmp).map_err(|e| {
            unregister(&tmp);
            err(format!("cannot write in its folder: {e}"))
        })?;
        Ok(Export {
            file,
            path: target,
            tmp: Some(tmp),
        })
    }

    /// The path the user named (after links).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Put the file in place (a regular file is renamed over the target).
    pub fn finish(mut self) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Io {
            path: self.path.display().to_string(),
            source: e,
        };
        self.file.flush().map_err(io)?;
        if let Some(tmp) = self.tmp.take() {
            let _temps = temporaries();
            let result = fs::rename(&tmp, &self.path);
            if result.is_err() {
                let _ = fs::remove_file(&tmp);
            }
            drop(_temps);
            unregister(&tmp);
            result.map_err(io)?;
        }
        Ok(())
    }
}

impl Write for Export {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Export {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = fs::remove_file(&tmp);
            unregister(&tmp);
        }
    }
}

/// A FIFO or a device, which a command writes through.
#[cfg(unix)]
fn is_writable_special(m: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    t.is_fifo() || t.is_char_device() || t.is_block_device()
}

#[cfg(not(unix))]
fn is_writable_special(_m: &fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gwsim-fsio-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = scratch("atomic");
        let p = dir.join("a").join("summary.json");
        write_atomic(&p, b"one").expect("write");
        write_atomic(&p, b"two").expect("rewrite");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        assert_eq!(names(p.parent().expect("dir")), ["summary.json"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = scratch("fail");
        // A directory where the file should go: the rename fails, the temporary file is removed.
        let target = dir.join("taken");
        fs::create_dir_all(target.join("inner")).expect("mkdir");
        assert!(write_atomic(&target, b"x").is_err());
        assert_eq!(names(&dir), ["taken"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_set_appears_whole_and_replaces_the_previous_one() {
        let dir = scratch("set");
        let owns = || -> Owns { Box::new(|n: &str| n.starts_with("s_")) };
        fs::write(dir.join("s_old.txt"), "old").expect("write");
        fs::write(dir.join("mine.txt"), "the user's").expect("write");
        let mut set = FileSet::create(&dir, "--out", owns(), &[]).expect("set");
        set.write("s_a.txt", b"a").expect("write");
        assert!(
            !dir.join("s_a.txt").exists(),
            "nothing appears before the commit"
        );
        assert!(dir.join("s_old.txt").exists());
        set.commit().expect("commit");
        assert_eq!(names(&dir), ["mine.txt", "s_a.txt"]);
        // Dropped without a commit: the previous set stays, no temporary file.
        let mut set = FileSet::create(&dir, "--out", owns(), &[]).expect("set");
        set.write("s_b.txt", b"b").expect("write");
        drop(set);
        assert_eq!(names(&dir), ["mine.txt", "s_a.txt"]);
        // A file of the set's folder that the set writes is claimed; others are not.
        let set = FileSet::create(&dir, "--out", owns(), &[]).expect("set");
        assert_eq!(set.claims(&dir.join("s_x.txt")).as_deref(), Some("s_x.txt"));
        assert_eq!(set.claims(&dir.join("mine.txt")), None);
        assert_eq!(set.claims(&dir.join("sub").join("s_x.txt")), None);
        drop(set);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn temporary_names_tell_their_process() {
        assert_eq!(temp_owner(".gwsim-123-tmp-summary.json"), Some(123));
        assert_eq!(temp_owner(".summary.json.4567.tmp"), Some(4567));
        assert_eq!(temp_owner(".hist_x.4567.tmp.png"), Some(4567));
        assert_eq!(temp_owner("summary.json"), None);
        assert_eq!(temp_owner(".gwsim-x-tmp-a"), None);
        assert_eq!(temp_owner(".gwsim-12-a"), None);
    }
}
