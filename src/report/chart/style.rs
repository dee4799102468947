//! Every style constant of the charts in one place: size, palette, font sizes, margins.
//! Change the look here, not in the drawing code.

use plotters::style::RGBColor;

/// Chart size in pixels (PNG) and user units (SVG).
pub const SIZE: (u32, u32) = (1100, 650);

/// The font family every text uses; the embedded DejaVu Sans is registered under this name.
pub const FONT: &str = "sans-serif";

pub const TITLE_PX: u32 = 26;
pub const SUBTITLE_PX: u32 = 16;
pub const AXIS_DESC_PX: u32 = 18;
pub const TICK_PX: u32 = 15;
pub const ANNOTATION_PX: u32 = 15;
pub const LEGEND_PX: u32 = 15;

/// Outer margin, and the space for tick labels on each axis.
pub const MARGIN: u32 = 18;
pub const X_LABEL_AREA: u32 = 62;
pub const Y_LABEL_AREA: u32 = 92;
/// Height of the title block (title and one subtitle line) above the plot.
pub const HEADER_PX: u32 = 74;

/// Longest scenario name shown in a title before it is cut with an ellipsis.
pub const MAX_TITLE_CHARS: usize = 70;

/// Bins of a histogram between p0.5 and p99.5.
pub const HIST_BINS: usize = 40;

/// Okabe–Ito colour-blind-safe palette.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const SKY: RGBColor = RGBColor(86, 180, 233);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
pub const INK: RGBColor = RGBColor(30, 30, 30);
pub const MUTED: RGBColor = RGBColor(110, 110, 110);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const BACKGROUND: RGBColor = RGBColor(255, 255, 255);

/// Colours for several series on one axis, in order.
pub const PALETTE: [RGBColor; 7] = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, YELLOW];

/// Histogram bars, the CDF line and the quantile markers.
pub const BAR: RGBColor = SKY;
pub const CDF: RGBColor = BLUE;
pub const MARKER: RGBColor = VERMILLION;

/// Fan chart: outer band (p5–p95), inner band (p25–p75), median.
pub const BAND: RGBColor = BLUE;
pub const BAND_OUTER_ALPHA: f64 = 0.18;
pub const BAND_INNER_ALPHA: f64 = 0.38;
pub const MEDIAN: RGBColor = BLUE;

/// Tornado: the output with the input at its low and at its high value.
pub const LOW: RGBColor = BLUE;
pub const HIGH: RGBColor = ORANGE;

pub const LINE_WIDTH: u32 = 3;
