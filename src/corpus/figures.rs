//! The figures of one generated report, balanced by construction: every
//! identity of its format holds, and they continue last year's report.

use super::rng::Rng;

/// Result groups of the applications table: a leaf row (`None`) or a group
/// with its sub-rows. gov-2019's 其他处理 is one row; gov-2021 splits it.
pub fn result_groups(gov2019: bool) -> Vec<(&'static str, Option<&'static [&'static str]>)> {
    let other: Option<&'static [&'static str]> = if gov2019 {
        None
    } else {
        Some(&[
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他",
        ])
    };
    vec![
        ("予以公开", None),
        ("部分公开", None),
        (
            "不予公开",
            Some(&[
                "属于国家秘密",
                "其他法律行政法规禁止公开",
                "危及“三安全一稳定”",
                "保护第三方合法权益",
                "属于三类内部事务信息",
                "属于四类过程性信息",
                "属于行政执法案卷",
                "属于行政查询事项",
            ]),
        ),
        (
            "无法提供",
            Some(&[
                "本机关不掌握相关政府信息",
                "没有现成信息需要另行制作",
                "补正后申请内容仍不明确",
            ]),
        ),
        (
            "不予处理",
            Some(&[
                "信访举报投诉类申请",
                "重复申请",
                "要求提供公开出版物",
                "无正当理由大量反复申请",
                "要求行政机关确认或重新出具已获取信息",
            ]),
        ),
        ("其他处理", other),
    ]
}

pub type Row = [u64; 6];

/// What a township's next report continues from.
#[derive(Debug, Clone, Default)]
pub struct Carry {
    pub forward: Row,
    pub in_force: Option<u64>,
}

/// The 主动公开 table in either format.
#[derive(Debug, Clone)]
pub enum Active {
    /// gov-2021: 规章 and 行政规范性文件 [制发, 废止, 现行有效]; 许可, 处罚,
    /// 强制 counts; 收费 in 万元.
    Gov2021 {
        rules: [u64; 3],
        normative: [u64; 3],
        counts: [(&'static str, u64); 3],
        fees: f64,
    },
    /// gov-2019: documents [新制作, 新公开, 对外公开总数量]; items
    /// [上一年项目数量, 本年增/减, 处理决定数量]; fees [上一年, 增/减];
    /// procurement (projects, 元).
    Gov2019 {
        rules: [u64; 3],
        normative: [u64; 3],
        items: [(&'static str, [i64; 3]); 4],
        fees: [i64; 2],
        procurement: (u64, u64),
    },
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub active: Active,
    pub new: Row,
    pub carried: Row,
    /// One row per leaf of [`result_groups`], in order.
    pub leaves: Vec<Row>,
    pub forward: Row,
    /// 行政复议, 未经复议直接起诉, 复议后起诉: [维持, 纠正, 其他, 尚未审结].
    pub reviews: [[u64; 4]; 3],
}

impl Figures {
    pub fn gov2019(&self) -> bool {
        matches!(self.active, Active::Gov2019 { .. })
    }

    /// The column sums of the result rows (the 总计 row).
    pub fn total(&self) -> Row {
        let mut t = [0; 6];
        for r in &self.leaves {
            for (c, v) in r.iter().enumerate() {
                t[c] += v;
            }
        }
        t
    }

    pub fn generate(rng: &mut Rng, year: u16, carry: &mut Carry) -> Figures {
        let gov2019 = year < 2021;
        let active = if gov2019 {
            active_2019(rng)
        } else {
            active_2021(rng, carry)
        };
        let (new, carried, leaves, forward) = applications(rng, carry.forward, gov2019);
        carry.forward = forward;
        let mut reviews = [[0; 4]; 3];
        for r in &mut reviews {
            for v in r.iter_mut() {
                *v = if rng.chance(0.15) { rng.range(0, 2) } else { 0 };
            }
        }
        Figures {
            active,
            new,
            carried,
            leaves,
            forward,
            reviews,
        }
    }
}

fn active_2021(rng: &mut Rng, carry: &mut Carry) -> Active {
    let issued = rng.range(0, 5);
    let in_force = match carry.in_force {
        Some(n) => n,
        None => rng.range(0, 30),
    };
    let repealed = rng.range(0, 3.min(in_force + issued));
    let normative = [issued, repealed, in_force + issued - repealed];
    carry.in_force = Some(normative[2]);
    let fees = if rng.chance(0.3) {
        (rng.unit() * 5000.0).round() / 100.0
    } else {
        0.0
    };
    Active::Gov2021 {
        rules: [0, 0, 0], // townships make no 规章 (W4)
        normative,
        counts: [
            ("行政许可", rng.range(0, 300)),
            ("行政处罚", rng.range(0, 80)),
            ("行政强制", rng.range(0, 10)),
        ],
        fees,
    }
}

fn active_2019(rng: &mut Rng) -> Active {
    let total = rng.range(0, 30);
    let published = rng.range(0, 5.min(total));
    let made = rng.range(0, published);
    let mut item = |hi: u64| {
        let prev = rng.range(0, hi) as i64;
        let change = rng.range(0, 4) as i64 - 2;
        let change = change.max(-prev);
        [prev, change, rng.range(0, hi * 3) as i64]
    };
    let items = [
        ("行政许可", item(40)),
        ("其他对外管理服务事项", item(10)),
        ("行政处罚", item(20)),
        ("行政强制", item(5)),
    ];
    let fee_prev = rng.range(0, 6) as i64;
    Active::Gov2019 {
        rules: [0, 0, 0],
        normative: [made, published, total],
        items,
        fees: [fee_prev, (rng.range(0, 2) as i64 - 1).max(-fee_prev)],
        procurement: (rng.range(0, 5), rng.range(0, 500) * 1000),
    }
}

/// New, carried-over, result rows and carried-forward applications: every
/// application received or carried over is either handled or carried forward.
fn applications(rng: &mut Rng, carried: Row, gov2019: bool) -> (Row, Row, Vec<Row>, Row) {
    let busy = [0.8, 0.35, 0.05, 0.1, 0.15, 0.2].map(|p| rng.chance(p));
    let mut new = [0; 6];
    let mut forward = [0; 6];
    for c in 0..6 {
        new[c] = if busy[c] {
            rng.range(0, if c == 0 { 40 } else { 6 })
        } else {
            0
        };
        if rng.chance(0.3) {
            forward[c] = rng.range(0, 2.min(new[c] + carried[c]));
        }
    }
    let leaves: usize = result_groups(gov2019)
        .iter()
        .map(|(_, s)| s.map_or(1, |s| s.len()))
        .sum();
    let mut weights = vec![1; leaves];
    weights[0] = 8;
    weights[1] = 2;
    let mut cells = vec![[0; 6]; leaves];
    for c in 0..6 {
        for _ in 0..(new[c] + carried[c] - forward[c]) {
            cells[rng.weighted(&weights)][c] += 1;
        }
    }
    (new, carried, cells, forward)
}
