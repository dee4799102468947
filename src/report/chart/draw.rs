//! The drawing code for each chart kind, generic over the plotters backend (SVG, PNG file,
//! in-memory bitmap). Every plotters error is returned with `?`.

use std::ops::Range;

use plotters::coord::CoordTranslate;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::element::{Polygon, Rectangle, Text};
use plotters::prelude::{
    Cartesian2d, ChartBuilder, ChartContext, Circle, DashedLineSeries, DrawingArea, DrawingBackend,
    IntoFont, LineSeries, PathElement, SeriesLabelPosition,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, ShapeStyle, TextStyle};

use super::style::*;
use super::{
    ChartError, Fan, FanAxis, Heatmap, Histogram, Overlay, Tornado, bin_shares, check_quantiles,
    labels,
};

fn text(px: u32, color: &'static RGBColor) -> TextStyle<'static> {
    (FONT, px).into_font().color(color)
}

fn anchored(px: u32, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    text(px, color).pos(Pos::new(h, v))
}

/// White background, title and subtitle; returns the area below them.
fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&BACKGROUND)?;
    let (top, rest) = root.split_vertically(HEADER_PX);
    let x = MARGIN as i32;
    let width = top.dim_in_pixel().0.saturating_sub(2 * MARGIN);
    let title_style = text(TITLE_PX, &INK);
    top.draw(&Text::new(
        fit_width(&top, title, &title_style, width)?,
        (x, MARGIN as i32),
        title_style.clone(),
    ))?;
    let sub_style = text(SUBTITLE_PX, &MUTED);
    top.draw(&Text::new(
        fit_width(&top, subtitle, &sub_style, width)?,
        (x, (MARGIN + TITLE_PX + 10) as i32),
        sub_style.clone(),
    ))?;
    Ok(rest)
}

/// `text` as drawn in `style`, cut short with an ellipsis until it is at most `width` pixels wide.
fn fit_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: u32,
) -> Result<String, ChartError> {
    let mut chars = text.chars().count();
    let mut fitted = text.to_string();
    while chars > 1 && area.estimate_text_size(&fitted, style)?.0 > width {
        chars -= 1;
        fitted = labels::truncate(text, chars);
    }
    Ok(fitted)
}

/// `[lo, hi]` widened when empty so that an axis can be drawn around a single value.
fn padded(lo: f64, hi: f64, frac: f64) -> Range<f64> {
    if hi > lo {
        let pad = (hi - lo) * frac;
        lo - pad..hi + pad
    } else {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        lo - pad..hi + pad
    }
}

fn span(r: &Range<f64>) -> f64 {
    r.start.abs().max(r.end.abs())
}

/// The series legend, in the house style, at `position`.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), ChartError> {
    chart
        .configure_series_labels()
        .position(position)
        .margin(12)
        .label_font(text(LEGEND_PX, &INK))
        .background_style(BACKGROUND.mix(0.9))
        .border_style(GRID)
        .draw()?;
    Ok(())
}

/// The mesh of a chart of shares per bin (histogram, overlay): horizontal grid lines, the value
/// on x with its unit, "share of samples per bin" in percent on y.
fn share_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_desc: &str,
    unit: &str,
    xs: f64,
) -> Result<(), ChartError> {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .x_desc(labels::axis_desc(x_desc, unit, xs))
        .y_desc("share of samples per bin")
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| labels::tick(*v, unit, xs))
        .y_label_formatter(&|v| format!("{}%", trim_float(*v)))
        .label_style(text(TICK_PX, &INK))
        .axis_desc_style(text(AXIS_DESC_PX, &INK))
        .draw()?;
    Ok(())
}

pub(super) fn histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Histogram,
) -> Result<(), ChartError> {
    check_quantiles(&c.quantiles)?;
    let q = &c.quantiles;
    let n = q.len();
    // The central 99%: p0.5 to p99.5 on the usual 201-point grid.
    let cut = ((n - 1) / 200).max(if n > 4 { 1 } else { 0 });
    let (mut lo, mut hi) = (q[cut], q[n - 1 - cut]);
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        let r = padded(lo, hi, 0.0);
        (lo, hi) = (r.start, r.end);
    }
    let shares: Vec<f64> = bin_shares(q, lo, hi, HIST_BINS)
        .iter()
        .map(|s| s * 100.0)
        .collect();
    let top = shares.iter().cloned().fold(0.0, f64::max).max(1e-9) * 1.22;
    let x = padded(lo, hi, 0.03);
    let xs = span(&x);

    let area = header(root, &c.title, &c.subtitle)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN)
        .margin_top(4)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .right_y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x.clone(), 0.0..top)?
        .set_secondary_coord(x.clone(), 0.0..1.22);
    share_mesh(&mut chart, &c.x_desc, &c.unit, xs)?;
    chart
        .configure_secondary_axes()
        .y_desc("cumulative probability")
        .y_labels(7)
        .y_label_formatter(&|v| {
            if *v <= 1.0 + 1e-9 {
                format!("{:.0}%", v * 100.0)
            } else {
                String::new()
            }
        })
        .label_style(text(TICK_PX, &INK))
        .axis_desc_style(text(AXIS_DESC_PX, &INK))
        .draw()?;

    let w = (hi - lo) / HIST_BINS as f64;
    chart.draw_series(
        shares
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(k, s)| {
                let x0 = lo + k as f64 * w;
                let mut r = Rectangle::new([(x0, 0.0), (x0 + w, *s)], BAR.filled());
                r.set_margin(0, 0, 1, 1);
                r
            }),
    )?;

    let cdf: Vec<(f64, f64)> = q
        .iter()
        .enumerate()
        .map(|(i, v)| (*v, i as f64 / (n - 1) as f64))
        .filter(|(v, _)| *v >= x.start && *v <= x.end)
        .collect();
    chart.draw_secondary_series(LineSeries::new(cdf, CDF.stroke_width(LINE_WIDTH)))?;

    for (k, (label, v)) in c.marks.iter().enumerate() {
        if !v.is_finite() || *v < x.start || *v > x.end {
            continue;
        }
        let line_top = top * 0.86;
        chart.draw_series(DashedLineSeries::new(
            [(*v, 0.0), (*v, line_top)],
            8,
            5,
            MARKER.stroke_width(2),
        ))?;
        let s = format!("{label} {}", labels::value(*v, &c.unit));
        // The median's label above its line; p5 to the left of its line, p95 to the right.
        let (pos, y) = match k {
            0 => (
                anchored(ANNOTATION_PX, &MARKER, HPos::Right, VPos::Center),
                top * 0.82,
            ),
            1 => (
                anchored(ANNOTATION_PX, &MARKER, HPos::Center, VPos::Bottom),
                top * 0.88,
            ),
            _ => (
                anchored(ANNOTATION_PX, &MARKER, HPos::Left, VPos::Center),
                top * 0.82,
            ),
        };
        let (px, py) = chart.backend_coord(&(*v, y));
        let dx = match k {
            0 => -6,
            1 => 0,
            _ => 6,
        };
        root.draw(&Text::new(s, (px + dx, py), pos))?;
    }
    Ok(())
}

pub(super) fn fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Fan,
) -> Result<(), ChartError> {
    let b = &c.bands;
    let n = c.x.len();
    if n == 0
        || [&b.p5, &b.p25, &b.p50, &b.p75, &b.p95]
            .iter()
            .any(|v| v.len() != n)
    {
        return Err(ChartError::BandsNotX);
    }
    if c.x.iter().any(|v| !v.is_finite()) || c.x.windows(2).any(|w| w[1] <= w[0]) {
        return Err(ChartError::XNotIncreasing);
    }
    let all =
        b.p5.iter()
            .chain(&b.p25)
            .chain(&b.p50)
            .chain(&b.p75)
            .chain(&b.p95);
    if all.clone().any(|v| !v.is_finite()) {
        return Err(ChartError::SeriesNotFinite);
    }
    let (mut lo, mut hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(*v), h.max(*v))
    });
    lo = lo.min(0.0);
    hi = hi.max(0.0);
    let y = if hi > lo {
        lo - (hi - lo) * if lo < 0.0 { 0.06 } else { 0.0 }..hi + (hi - lo) * 0.08
    } else {
        padded(lo, hi, 0.0)
    };
    let ys = span(&y);
    let x0 = c.x[0];
    let x1 = c.x[n - 1];
    let pad = match c.x_axis {
        FanAxis::Years => 0.35,
        FanAxis::Value { .. } => (x1 - x0) * 0.04,
    };
    let x = if x1 > x0 {
        x0 - pad..x1 + pad
    } else {
        padded(x0, x1, 0.0)
    };
    let xs = span(&x);
    let year = |k: usize| c.x[k];
    let (x_desc, x_unit, x_labels) = match &c.x_axis {
        FanAxis::Years => ("calendar year".to_string(), String::new(), n.clamp(2, 16)),
        FanAxis::Value { desc, unit } => (labels::axis_desc(desc, unit, xs), unit.clone(), 8),
    };
    let is_years = c.x_axis == FanAxis::Years;
    // A plain number's ticks (a swept PUE, a year as a value) get as many digits as keep them
    // apart: 2027, 2027.5, 2028 rather than 2028 three times.
    let keys: Vec<f64> = if x_unit.is_empty() && !is_years {
        RangedCoordf64::from(x.clone()).key_points(x_labels)
    } else {
        Vec::new()
    };
    let key_labels = crate::report::format::distinct(&keys);
    let x_step = (x.end - x.start).abs();
    let x_fmt = move |v: &f64| {
        if is_years {
            if (v - v.round()).abs() < 1e-6 {
                format!("{}", v.round() as i64)
            } else {
                String::new()
            }
        } else if let Some(k) = keys.iter().position(|k| (k - v).abs() <= x_step * 1e-9) {
            key_labels[k].clone()
        } else {
            labels::tick(*v, &x_unit, xs)
        }
    };

    let area = header(root, &c.title, &c.subtitle)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN)
        .margin_top(4)
        .margin_right(MARGIN * 2)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x.clone(), y.clone())?;
    let unit = c.unit.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .x_desc(x_desc)
        .y_desc(labels::axis_desc(&c.y_desc, &c.unit, ys))
        .x_labels(x_labels)
        .y_labels(7)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&|v| labels::tick(*v, &unit, ys))
        .label_style(text(TICK_PX, &INK))
        .axis_desc_style(text(AXIS_DESC_PX, &INK))
        .draw()?;

    if y.start < 0.0 {
        chart.draw_series(LineSeries::new(
            [(x.start, 0.0), (x.end, 0.0)],
            MUTED.stroke_width(1),
        ))?;
    }
    let band = |lower: &[f64], upper: &[f64]| -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = (0..n).map(|k| (year(k), upper[k])).collect();
        pts.extend((0..n).rev().map(|k| (year(k), lower[k])));
        pts
    };
    let outer = BAND.mix(BAND_OUTER_ALPHA).filled();
    let inner = BAND.mix(BAND_INNER_ALPHA).filled();
    chart
        .draw_series(std::iter::once(Polygon::new(band(&b.p5, &b.p95), outer)))?
        .label("p5–p95 (90% of samples)")
        .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 22, y + 7)], outer));
    chart
        .draw_series(std::iter::once(Polygon::new(band(&b.p25, &b.p75), inner)))?
        .label("p25–p75 (50% of samples)")
        .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 22, y + 7)], inner));
    let median: Vec<(f64, f64)> = (0..n).map(|k| (year(k), b.p50[k])).collect();
    chart
        .draw_series(LineSeries::new(
            median.clone(),
            MEDIAN.stroke_width(LINE_WIDTH),
        ))?
        .label("median")
        .legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 22, y)], MEDIAN.stroke_width(LINE_WIDTH))
        });
    chart.draw_series(median.iter().map(|p| Circle::new(*p, 4, MEDIAN.filled())))?;

    // The legend goes in the corner the bands leave most free.
    let position = legend_corner(&c.x, &b.p5, &b.p95, &x, &y);
    legend(&mut chart, position)?;
    Ok(())
}

pub(super) fn tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Tornado,
) -> Result<(), ChartError> {
    if c.bars.is_empty() {
        return Err(ChartError::NoBars);
    }
    if !c.base.is_finite()
        || c.bars
            .iter()
            .any(|b| !b.low.is_finite() || !b.high.is_finite())
    {
        return Err(ChartError::TornadoNotFinite);
    }
    let mut bars: Vec<&super::TornadoBar> = c.bars.iter().collect();
    // Widest swing first; drawn at the top.
    bars.sort_by(|a, b| (b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()));
    let n = bars.len();
    let (lo, hi) = bars.iter().fold((c.base, c.base), |(l, h), b| {
        (l.min(b.low).min(b.high), h.max(b.low).max(b.high))
    });
    let x = padded(lo, hi, 0.12);
    let xs = span(&x);
    let names: Vec<String> = bars
        .iter()
        .map(|b| labels::truncate(&b.label, 42))
        .collect();
    let longest = names.iter().map(|s| s.chars().count()).max().unwrap_or(0) as u32;
    let label_area = (longest * TICK_PX * 6 / 10 + 24).clamp(60, SIZE.0 * 2 / 5);

    let area = header(root, &c.title, &c.subtitle)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN)
        .margin_top(28)
        .margin_right(MARGIN * 2)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x.clone(), -0.5..n as f64 - 0.5)?;
    let unit = c.unit.clone();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .x_desc(labels::axis_desc(&c.x_desc, &c.unit, xs))
        .x_labels(8)
        .y_labels(0)
        .x_label_formatter(&|v| labels::tick(*v, &unit, xs))
        .label_style(text(TICK_PX, &INK))
        .axis_desc_style(text(AXIS_DESC_PX, &INK))
        .draw()?;

    let row = |k: usize| (n - 1 - k) as f64;
    let half = 0.34;
    let low_style = LOW.filled();
    let high_style = HIGH.filled();
    chart
        .draw_series(bars.iter().enumerate().map(|(k, b)| {
            Rectangle::new([(c.base, row(k) - half), (b.low, row(k) + half)], low_style)
        }))?
        .label(c.low_label.as_str())
        .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 22, y + 7)], low_style));
    chart
        .draw_series(bars.iter().enumerate().map(|(k, b)| {
            Rectangle::new(
                [(c.base, row(k) - half), (b.high, row(k) + half)],
                high_style,
            )
        }))?
        .label(c.high_label.as_str())
        .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 22, y + 7)], high_style));
    chart.draw_series(LineSeries::new(
        [(c.base, -0.5), (c.base, n as f64 - 0.5)],
        INK.stroke_width(2),
    ))?;

    for (k, (b, name)) in bars.iter().zip(&names).enumerate() {
        let (px, py) = chart.backend_coord(&(x.start, row(k)));
        root.draw(&Text::new(
            name.clone(),
            (px - 10, py),
            anchored(TICK_PX, &INK, HPos::Right, VPos::Center),
        ))?;
        for v in [b.low, b.high] {
            let (vx, vy) = chart.backend_coord(&(v, row(k)));
            let (h, dx) = if v < c.base {
                (HPos::Right, -6)
            } else {
                (HPos::Left, 6)
            };
            root.draw(&Text::new(
                labels::value(v, &c.unit),
                (vx + dx, vy),
                anchored(ANNOTATION_PX, &MUTED, h, VPos::Center),
            ))?;
        }
    }
    let (bx, by) = chart.backend_coord(&(c.base, n as f64 - 0.5));
    root.draw(&Text::new(
        format!("base {}", labels::value(c.base, &c.unit)),
        (bx, by - 4),
        anchored(ANNOTATION_PX, &INK, HPos::Center, VPos::Bottom),
    ))?;
    legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

pub(super) fn overlay<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Overlay,
) -> Result<(), ChartError> {
    if c.series.is_empty() {
        return Err(ChartError::NothingToOverlay);
    }
    for (name, q) in &c.series {
        check_quantiles(q).map_err(|e| ChartError::Series {
            name: name.clone(),
            problem: Box::new(e),
        })?;
    }
    let cut = |q: &[f64]| ((q.len() - 1) / 200).max(if q.len() > 4 { 1 } else { 0 });
    let (mut lo, mut hi) =
        c.series
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), (_, q)| {
                let k = cut(q);
                (l.min(q[k]), h.max(q[q.len() - 1 - k]))
            });
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        let r = padded(lo, hi, 0.0);
        (lo, hi) = (r.start, r.end);
    }
    let bins = HIST_BINS + 10;
    let w = (hi - lo) / bins as f64;
    let curves: Vec<Vec<(f64, f64)>> = c
        .series
        .iter()
        .map(|(_, q)| {
            bin_shares(q, lo, hi, bins)
                .iter()
                .enumerate()
                .map(|(k, s)| (lo + (k as f64 + 0.5) * w, s * 100.0))
                .collect()
        })
        .collect();
    let top = curves
        .iter()
        .flatten()
        .map(|p| p.1)
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.12;
    let x = padded(lo, hi, 0.03);
    let xs = span(&x);

    let area = header(root, &c.title, &c.subtitle)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN)
        .margin_top(4)
        .margin_right(MARGIN * 2)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x.clone(), 0.0..top)?;
    share_mesh(&mut chart, &c.x_desc, &c.unit, xs)?;
    for (k, ((name, q), curve)) in c.series.iter().zip(&curves).enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let fill: ShapeStyle = color.mix(0.12).filled();
        let (first, last) = (lo + 0.5 * w, hi - 0.5 * w);
        let mut area_pts = vec![(first, 0.0)];
        area_pts.extend(curve.iter().cloned());
        area_pts.push((last, 0.0));
        chart.draw_series(std::iter::once(Polygon::new(area_pts, fill)))?;
        let median = super::grid_quantile(q, 0.5);
        chart
            .draw_series(LineSeries::new(
                curve.clone(),
                color.stroke_width(LINE_WIDTH),
            ))?
            .label(format!(
                "{} (median {})",
                labels::truncate(name, 40),
                labels::value(median, &c.unit)
            ))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(LINE_WIDTH))
            });
        if median >= x.start && median <= x.end {
            chart.draw_series(DashedLineSeries::new(
                [(median, 0.0), (median, top * 0.95)],
                8,
                5,
                color.stroke_width(2),
            ))?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

/// Of the four corners of a fan chart, the one where a legend box (about a quarter of the width,
/// a fifth of the height) hides the least of the p5–p95 band.
fn legend_corner(
    years: &[f64],
    p5: &[f64],
    p95: &[f64],
    x: &Range<f64>,
    y: &Range<f64>,
) -> SeriesLabelPosition {
    const BOX_W: f64 = 0.3;
    const BOX_H: f64 = 0.22;
    let rel_y = |v: f64| (v - y.start) / (y.end - y.start);
    let at = |vals: &[f64], xr: f64| -> f64 {
        let xv = x.start + xr * (x.end - x.start);
        let k = years.iter().rposition(|&yr| yr <= xv);
        match k {
            None => vals[0],
            Some(k) if k + 1 >= years.len() => vals[k],
            Some(k) => {
                let t = (xv - years[k]) / (years[k + 1] - years[k]);
                vals[k] + (vals[k + 1] - vals[k]) * t
            }
        }
    };
    let intrusion = |left: bool, upper: bool| -> f64 {
        (0..=20)
            .map(|i| {
                let xr = if left {
                    i as f64 / 20.0 * BOX_W
                } else {
                    1.0 - i as f64 / 20.0 * BOX_W
                };
                if upper {
                    (rel_y(at(p95, xr)) - (1.0 - BOX_H)).max(0.0)
                } else {
                    (BOX_H - rel_y(at(p5, xr))).max(0.0)
                }
            })
            .fold(0.0, f64::max)
    };
    let corners = [
        (SeriesLabelPosition::UpperLeft, true, true),
        (SeriesLabelPosition::UpperRight, false, true),
        (SeriesLabelPosition::LowerRight, false, false),
        (SeriesLabelPosition::LowerLeft, true, false),
    ];
    let mut best = (SeriesLabelPosition::UpperLeft, f64::INFINITY);
    for (pos, left, upper) in corners {
        let v = intrusion(left, upper);
        if v < best.1 - 1e-9 {
            best = (pos, v);
        }
    }
    best.0
}

/// `2.50` → `2.5`, `3.00` → `3` (for percentages on an axis).
fn trim_float(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A horizontal stacked bar of the parts' medians, and below it the total's median with its
/// p5–p95 range as a whisker.
pub(super) fn breakdown<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &super::Breakdown,
) -> Result<(), ChartError> {
    if c.parts.is_empty()
        || c.parts.iter().any(|(_, v)| !v.is_finite() || *v < 0.0)
        || c.total.iter().any(|v| !v.is_finite())
    {
        return Err(ChartError::Drawing(
            "a part or the total is not a finite amount".into(),
        ));
    }
    let stacked: f64 = c.parts.iter().map(|(_, v)| v).sum();
    let hi = stacked.max(c.total[2]).max(c.total[1]);
    let x = 0.0..hi * 1.08;
    let xs = span(&x);
    let area = header(root, &c.title, &c.subtitle)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN)
        .margin_top(28)
        .margin_right(MARGIN * 2)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA + 40)
        .build_cartesian_2d(x.clone(), -0.5..1.5f64)?;
    let unit = c.unit.clone();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .x_desc(labels::axis_desc("cost over the term", &c.unit, xs))
        .x_labels(8)
        .y_labels(0)
        .x_label_formatter(&|v| labels::tick(*v, &unit, xs))
        .label_style(text(TICK_PX, &INK))
        .axis_desc_style(text(AXIS_DESC_PX, &INK))
        .draw()?;
    let half = 0.3;
    let mut left = 0.0;
    for (k, (label, v)) in c.parts.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let style = color.filled();
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(left, 1.0 - half), (left + v, 1.0 + half)],
                style,
            )))?
            .label(format!("{label} {}", labels::value(*v, &c.unit)))
            .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 22, y + 7)], style));
        left += v;
    }
    // The total: its median as a bar, its p5–p95 as a whisker.
    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.0, -half / 2.0), (c.total[1], half / 2.0)],
        MUTED.mix(0.5).filled(),
    )))?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(c.total[0], 0.0), (c.total[2], 0.0)],
        INK.stroke_width(LINE_WIDTH),
    )))?;
    for end in [c.total[0], c.total[2]] {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(end, -half / 2.0), (end, half / 2.0)],
            INK.stroke_width(LINE_WIDTH),
        )))?;
    }
    for (row, name) in [(1.0, "parts (medians)"), (0.0, "total (p5–p95)")] {
        let (px, py) = chart.backend_coord(&(x.start, row));
        root.draw(&Text::new(
            name.to_string(),
            (px - 10, py),
            anchored(TICK_PX, &INK, HPos::Right, VPos::Center),
        ))?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

pub(super) fn stacked<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &super::StackedSpend,
) -> Result<(), ChartError> {
    let n = c.years.len();
    if n == 0 {
        return Err(ChartError::NoYears);
    }
    if c.years.iter().any(|v| !v.is_finite()) || c.years.windows(2).any(|w| w[1] <= w[0]) {
        return Err(ChartError::XNotIncreasing);
    }
    let all_bands = c
        .parts
        .iter()
        .map(|(_, v)| v)
        .chain(&c.total)
        .chain(&c.line);
    if c.parts.is_empty() || all_bands.clone().any(|v| v.len() != n) {
        return Err(ChartError::BandsNotYears { years: n });
    }
    if all_bands.flatten().any(|v| !v.is_finite()) {
        return Err(ChartError::SeriesNotFinite);
    }
    let stacked: Vec<f64> = (0..n)
        .map(|k| c.parts.iter().map(|(_, v)| v[k].max(0.0)).sum())
        .collect();
    let hi = (0..n)
        .map(|k| stacked[k].max(c.total[2][k]).max(c.line[2][k]))
        .fold(0.0f64, f64::max);
    let lo = (0..n)
        .map(|k| c.total[0][k].min(c.line[0][k]))
        .fold(0.0f64, f64::min);
    let y = if hi > lo {
        lo - (hi - lo) * if lo < 0.0 { 0.06 } else { 0.0 }..hi + (hi - lo) * 0.08
    } else {
        padded(lo, hi, 0.0)
    };
    let ys = span(&y);
    let x = c.years[0] - 0.6..c.years[n - 1] + 0.6;
    let area = header(root, &c.title, &c.subtitle)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(MARGIN)
        .margin_top(4)
        .margin_right(MARGIN * 2)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x.clone(), y.clone())?;
    let unit = c.unit.clone();
    let x_fmt = |v: &f64| {
        if (v - v.round()).abs() < 1e-6 {
            format!("{}", v.round() as i64)
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .x_desc("calendar year")
        .y_desc(labels::axis_desc("per year", &c.unit, ys))
        .x_labels(n.clamp(2, 16) + 1)
        .y_labels(7)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&|v| labels::tick(*v, &unit, ys))
        .label_style(text(TICK_PX, &INK))
        .axis_desc_style(text(AXIS_DESC_PX, &INK))
        .draw()?;
    // The line's band first, under the bars' outlines.
    let band: Vec<(f64, f64)> = (0..n)
        .map(|k| (c.years[k], c.line[2][k]))
        .chain((0..n).rev().map(|k| (c.years[k], c.line[0][k])))
        .collect();
    let fill = MUTED.mix(BAND_OUTER_ALPHA).filled();
    chart
        .draw_series(std::iter::once(Polygon::new(band, fill)))?
        .label(format!("{}, p5–p95", c.line_label))
        .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 22, y + 7)], fill));
    let half = 0.3;
    let mut base = vec![0.0; n];
    for (j, (label, v)) in c.parts.iter().enumerate() {
        let color = PALETTE[j % PALETTE.len()];
        let style = color.mix(0.85).filled();
        chart
            .draw_series((0..n).map(|k| {
                let top = base[k] + v[k].max(0.0);
                Rectangle::new(
                    [(c.years[k] - half, base[k]), (c.years[k] + half, top)],
                    style,
                )
            }))?
            .label(format!("{label} (median)"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 22, y + 7)], style));
        for k in 0..n {
            base[k] += v[k].max(0.0);
        }
    }
    // The total's p5–p95 on each bar.
    let whisker = MUTED.stroke_width(LINE_WIDTH);
    for k in 0..n {
        let (x0, lo, hi) = (c.years[k], c.total[0][k], c.total[2][k]);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x0, lo), (x0, hi)],
            whisker,
        )))?;
        for end in [lo, hi] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x0 - half / 3.0, end), (x0 + half / 3.0, end)],
                whisker,
            )))?;
        }
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x.start, y.start), (x.start, y.start)],
            whisker,
        )))?
        .label("total spend, p5–p95")
        .legend(move |(x, y)| PathElement::new(vec![(x + 11, y - 7), (x + 11, y + 7)], whisker));
    let median: Vec<(f64, f64)> = (0..n).map(|k| (c.years[k], c.line[1][k])).collect();
    chart
        .draw_series(LineSeries::new(
            median.clone(),
            INK.stroke_width(LINE_WIDTH),
        ))?
        .label(format!("{}, median", c.line_label))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], INK.stroke_width(LINE_WIDTH)));
    chart.draw_series(median.iter().map(|p| Circle::new(*p, 4, INK.filled())))?;
    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    Ok(())
}

/// The colour of a heatmap cell at `t` in [0, 1] (low to high): light yellow through teal to
/// dark blue, lighter for lower values.
fn heat(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 3] = [
        (255.0, 247.0, 188.0),
        (65.0, 182.0, 196.0),
        (37.0, 52.0, 148.0),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let (a, b, u) = if t < 0.5 {
        (STOPS[0], STOPS[1], t * 2.0)
    } else {
        (STOPS[1], STOPS[2], t * 2.0 - 1.0)
    };
    let mix = |x: f64, y: f64| (x + (y - x) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Ink for text on a heatmap cell at `t`: white on the darker half.
fn heat_ink(t: f64) -> &'static RGBColor {
    if t > 0.55 { &BACKGROUND } else { &INK }
}

/// Width of the colour legend strip right of a heatmap.
const HEAT_LEGEND_PX: u32 = 150;

pub(super) fn heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Heatmap,
) -> Result<(), ChartError> {
    let (rows, cols) = (c.row_labels.len(), c.column_labels.len());
    if rows == 0 || cols == 0 || c.values.len() != rows || c.values.iter().any(|r| r.len() != cols)
    {
        return Err(ChartError::GridShape {
            rows,
            columns: cols,
        });
    }
    let finite = c.values.iter().flatten().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(*v), h.max(*v))
    });
    let t_of = |v: f64| {
        if !v.is_finite() {
            f64::NAN
        } else if hi > lo {
            (v - lo) / (hi - lo)
        } else {
            0.5
        }
    };
    let area = header(root, &c.title, &c.subtitle)?;
    let (plot_area, legend_area) =
        area.split_horizontally(area.dim_in_pixel().0.saturating_sub(HEAT_LEGEND_PX));
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(MARGIN)
        .margin_top(4)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA + 20)
        .build_cartesian_2d(0.0..cols as f64, 0.0..rows as f64)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc(c.column_desc.clone())
        .y_desc(c.row_desc.clone())
        .axis_desc_style(text(AXIS_DESC_PX, &INK))
        .draw()?;
    // Cells, each with its value when it fits. Text is placed in the root's pixels, where
    // `backend_coord` puts it.
    let cell_px = {
        let (x0, y0) = chart.backend_coord(&(0.0, 0.0));
        let (x1, y1) = chart.backend_coord(&(1.0, 1.0));
        ((x1 - x0).unsigned_abs(), (y0 - y1).unsigned_abs())
    };
    for (r, row) in c.values.iter().enumerate() {
        for (k, &v) in row.iter().enumerate() {
            let t = t_of(v);
            let fill = if v.is_finite() { heat(t) } else { GRID };
            let (x, y) = (k as f64, r as f64);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x, y), (x + 1.0, y + 1.0)],
                fill.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x, y), (x + 1.0, y + 1.0)],
                BACKGROUND.stroke_width(1),
            )))?;
            let label = if v.is_finite() {
                crate::report::format::bare(v, &c.unit)
            } else {
                "n/a".to_string()
            };
            for px in [ANNOTATION_PX, 12] {
                let style = anchored(px, heat_ink(t), HPos::Center, VPos::Center);
                let (w, h) = plot_area.estimate_text_size(&label, &style)?;
                if w + 6 <= cell_px.0 && h + 2 <= cell_px.1 {
                    let at = chart.backend_coord(&(x + 0.5, y + 0.5));
                    root.draw(&Text::new(label.clone(), at, style))?;
                    break;
                }
            }
        }
    }
    // Tick labels: each row's and column's value beside its cells; when they crowd, every
    // other one (or fewer).
    let tick_style = text(TICK_PX, &INK);
    let every = |n: usize, room: u32, widest: u32| -> usize {
        let per = room / n.max(1) as u32;
        widest.checked_div(per).map_or(n.max(1), |q| q as usize + 1)
    };
    let widest_col = c
        .column_labels
        .iter()
        .map(|l| {
            plot_area
                .estimate_text_size(l, &tick_style)
                .map(|s| s.0 + 8)
        })
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max()
        .unwrap_or(0);
    let col_step = every(cols, cell_px.0 * cols as u32, widest_col);
    for (k, l) in c.column_labels.iter().enumerate().step_by(col_step) {
        let (px, py) = chart.backend_coord(&(k as f64 + 0.5, 0.0));
        root.draw(&Text::new(
            l.clone(),
            (px, py + 8),
            anchored(TICK_PX, &INK, HPos::Center, VPos::Top),
        ))?;
    }
    let row_step = every(rows, cell_px.1 * rows as u32, TICK_PX + 6);
    for (r, l) in c.row_labels.iter().enumerate().step_by(row_step) {
        let (px, py) = chart.backend_coord(&(0.0, r as f64 + 0.5));
        let label = fit_width(&plot_area, l, &tick_style, Y_LABEL_AREA - 6)?;
        root.draw(&Text::new(
            label,
            (px - 8, py),
            anchored(TICK_PX, &INK, HPos::Right, VPos::Center),
        ))?;
    }
    // The colour legend: a bar from the lowest value (bottom) to the highest (top).
    let (lw, lh) = legend_area.dim_in_pixel();
    let top = (MARGIN + 30) as i32;
    let bottom = lh.saturating_sub(X_LABEL_AREA + MARGIN) as i32;
    let left = 12i32;
    let width = 26i32;
    let _ = lw;
    legend_area.draw(&Text::new(
        fit_width(
            &legend_area,
            &c.value_desc,
            &text(LEGEND_PX, &INK),
            HEAT_LEGEND_PX - 8,
        )?,
        (4, MARGIN as i32),
        text(LEGEND_PX, &INK),
    ))?;
    if bottom > top {
        let steps = 48;
        let h = (bottom - top) as f64 / steps as f64;
        for i in 0..steps {
            let t = (i as f64 + 0.5) / steps as f64;
            let y1 = bottom - (i as f64 * h).round() as i32;
            let y0 = bottom - ((i + 1) as f64 * h).round() as i32;
            legend_area.draw(&Rectangle::new(
                [(left, y0), (left + width, y1)],
                heat(t).filled(),
            ))?;
        }
        legend_area.draw(&Rectangle::new(
            [(left, top), (left + width, bottom)],
            MUTED.stroke_width(1),
        ))?;
        if hi >= lo {
            let marks = if hi > lo {
                vec![
                    (lo, bottom),
                    ((lo + hi) / 2.0, (top + bottom) / 2),
                    (hi, top),
                ]
            } else {
                vec![(lo, (top + bottom) / 2)]
            };
            for (v, y) in marks {
                legend_area.draw(&Text::new(
                    crate::report::format::bare(v, &c.unit),
                    (left + width + 6, y),
                    anchored(TICK_PX, &INK, HPos::Left, VPos::Center),
                ))?;
            }
        }
    }
    Ok(())
}
