//! The township trend chart: applications received and handled per year, as
//! geometry for an inline SVG that the theme draws (no JavaScript). The same
//! numbers are in the trend table beside it and in the chart's `<desc>`, so
//! the chart is never the only place a number lives.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub title: String,
    pub desc: String,
    pub bars: Vec<Bar>,
    /// Year labels under the bar groups.
    pub labels: Vec<Label>,
    /// Horizontal grid lines with their value.
    pub ticks: Vec<Label>,
    pub baseline: u32,
    pub left: u32,
    pub right: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// `received` or `handled`: the series, for colour and legend.
    pub series: &'static str,
    /// Text of the bar's tooltip and of the value printed above it.
    pub title: String,
    pub value: String,
    pub label_y: u32,
    pub label_x: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub x: u32,
    pub y: u32,
    pub text: String,
}

/// One year of the chart: received and handled (`None`: the format lacks it).
pub struct Point {
    pub year: u16,
    pub received: Option<i128>,
    pub handled: Option<i128>,
}

const TOP: u32 = 24;
const BOTTOM: u32 = 32;
const LEFT: u32 = 48;
const GROUP: u32 = 96;
const BAR: u32 = 28;
const PLOT: u32 = 200;

/// A "nice" axis maximum ≥ `max`: 1, 2 or 5 times a power of ten.
fn nice(max: i128) -> i128 {
    let mut step = 1i128;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max {
                return m * step;
            }
        }
        step = step.saturating_mul(10);
    }
}

fn fmt(v: Option<i128>) -> String {
    v.map_or_else(
        || "无此项（该年度报告格式没有这一格）".to_string(),
        |n| format!("{n} 件"),
    )
}

pub fn build(name: &str, points: &[Point]) -> Chart {
    let max = points
        .iter()
        .flat_map(|p| [p.received, p.handled])
        .flatten()
        .max()
        .unwrap_or(0)
        .max(1);
    let top = nice(max);
    let baseline = TOP + PLOT;
    let scale =
        |v: i128| -> u32 { u32::try_from((v.max(0) * i128::from(PLOT)) / top).unwrap_or(PLOT) };
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let x0 = LEFT + 12 + GROUP * u32::try_from(i).unwrap_or(0);
        for (k, (series, what, v)) in [
            ("received", "收到申请", p.received),
            ("handled", "办理结果总计", p.handled),
        ]
        .into_iter()
        .enumerate()
        {
            let Some(v) = v else { continue };
            let h = scale(v);
            let x = x0 + BAR * u32::try_from(k).unwrap_or(0) + 4 * u32::try_from(k).unwrap_or(0);
            bars.push(Bar {
                x,
                y: baseline - h,
                w: BAR,
                h,
                series,
                title: format!("{}年{what} {v} 件", p.year),
                value: v.to_string(),
                label_x: x + BAR / 2,
                label_y: baseline - h - 4,
            });
        }
        labels.push(Label {
            x: x0 + BAR + 2,
            y: baseline + 20,
            text: format!("{}年", p.year),
        });
    }
    let ticks = [0, top / 2, top]
        .into_iter()
        .map(|v| Label {
            x: LEFT - 6,
            y: baseline - scale(v),
            text: v.to_string(),
        })
        .collect::<Vec<_>>();
    let width = LEFT + 24 + GROUP * u32::try_from(points.len().max(1)).unwrap_or(1);
    let desc = points
        .iter()
        .map(|p| {
            format!(
                "{}年：收到申请 {}，办理结果总计 {}",
                p.year,
                fmt(p.received),
                fmt(p.handled)
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    Chart {
        width,
        height: baseline + BOTTOM,
        title: format!("{name}各年度政府信息公开申请收到与办理情况"),
        desc: format!("柱状图。{desc}。数字同见下方趋势表。"),
        bars,
        labels,
        ticks,
        baseline,
        left: LEFT,
        right: width - 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_and_bars() {
        assert_eq!(nice(1), 1);
        assert_eq!(nice(3), 5);
        assert_eq!(nice(17), 20);
        assert_eq!(nice(101), 200);
        let c = build(
            "平安镇",
            &[
                Point {
                    year: 2020,
                    received: Some(10),
                    handled: None,
                },
                Point {
                    year: 2021,
                    received: Some(20),
                    handled: Some(20),
                },
            ],
        );
        assert_eq!(c.bars.len(), 3);
        assert!(
            c.desc
                .contains("2020年：收到申请 10 件，办理结果总计 无此项"),
            "{}",
            c.desc
        );
        assert!(
            c.desc
                .contains("2021年：收到申请 20 件，办理结果总计 20 件"),
            "{}",
            c.desc
        );
        // The tallest bar reaches the top of the plot (axis maximum 20).
        assert_eq!(c.bars.iter().map(|b| b.h).max(), Some(PLOT));
    }
}
