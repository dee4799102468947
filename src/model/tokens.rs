//! Tokens and their prices over the term (docs/model.md, "Tokens and revenue" and "Over the
//! term").

/// `(1 + rate)^(year − base_year)`: the factor by which a figure that describes `base_year`
/// has moved by `year` (throughput growth, a token price's change).
#[inline(always)]
pub fn year_factor(rate: f64, years_from_base: i32) -> f64 {
    (1.0 + rate).powi(years_from_base)
}

/// Revenue per million output tokens under split prices: each output token brings `I / O`
/// input tokens, `cached_share` of them read from the cache:
/// `p_out + I / O × ((1 − h) × p_in + h × p_cached)`.
#[inline(always)]
pub fn split_price_per_output_mtok(
    p_in: f64,
    p_cached: f64,
    p_out: f64,
    input_tokens: f64,
    output_tokens: f64,
    cached_share: f64,
) -> f64 {
    p_out + input_tokens / output_tokens * ((1.0 - cached_share) * p_in + cached_share * p_cached)
}

/// Input tokens that come with `output` output tokens: `output × I / O`.
#[inline(always)]
pub fn input_tokens(output: f64, input_tokens: f64, output_tokens: f64) -> f64 {
    output * input_tokens / output_tokens
}
