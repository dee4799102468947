//! A progress bar on stderr for runs longer than about a second; hidden when stderr is not a
//! terminal or with `--quiet`.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
}

const DELAY: Duration = Duration::from_millis(800);

impl Progress {
    /// A bar counting samples.
    pub fn new(enabled: bool) -> Progress {
        Progress::counting(enabled, "samples")
    }

    /// A bar counting `unit` (e.g. "model evaluations").
    pub fn counting(enabled: bool, unit: &str) -> Progress {
        let bar = enabled.then(|| {
            let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{{spinner}} {{pos}}/{{len}} {unit} [{{bar:30}}] {{per_sec}} · eta {{eta}}"
            )) {
                b.set_style(style.progress_chars("=> "));
            }
            b
        });
        Progress {
            bar,
            started: Instant::now(),
            shown: false,
        }
    }

    pub fn update(&mut self, done: u64, planned: u64) {
        if let Some(b) = &self.bar {
            b.set_length(planned);
            b.set_position(done);
            if !self.shown && self.started.elapsed() > DELAY && done < planned {
                b.set_draw_target(ProgressDrawTarget::stderr());
                self.shown = true;
            }
        }
    }

    pub fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}
