//! The Markdown of a generated report: front matter, six sections of prose
//! and the three tables in the authoring format.

use std::fmt::Write;

use super::Township;
use super::figures::{Active, Figures, result_groups};
use super::rng::Rng;

const PHRASES: [&str; 16] = [
    "依据年度政务公开工作要点",
    "围绕地区重点工作",
    "突出做好行政执法、生态环境、政策法规等重点领域的信息公开",
    "严格按照公开时限、内容、频次等要求",
    "在区政府门户网站主动公开",
    "机构职能、机构设置、领导介绍随时更新",
    "通知公告按时主动公开",
    "开展政务公开日活动",
    "创新活动形式，丰富活动载体",
    "线上宣传政策、征集群众意见",
    "推进了政务公开工作顺利开展",
    "加强政府信息公开队伍建设",
    "通过开展培训等方式提高业务能力",
    "以社会关注度高、公共利益大的政府信息作为突破口",
    "不断拓宽政府信息公开内容",
    "完善依申请公开办理流程",
];

/// The paragraphs of sections 一 (two) and 五 (two).
pub struct Prose {
    pub overview: [String; 2],
    pub problems: [String; 2],
}

impl Prose {
    pub fn generate(rng: &mut Rng) -> Prose {
        let mut para = |n: usize| {
            let s: Vec<&str> = (0..n).map(|_| *rng.pick(&PHRASES)).collect();
            s.join("，") + "。"
        };
        Prose {
            overview: [para(6), para(5)],
            problems: [para(4), para(4)],
        }
    }
}

/// `[a, b, …]`, with the row's sum appended when `total`.
pub fn row<T: Copy + std::fmt::Display + std::iter::Sum<T>>(values: &[T], total: bool) -> String {
    let mut parts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    if total {
        parts.push(values.iter().copied().sum::<T>().to_string());
    }
    format!("[{}]", parts.join(", "))
}

pub fn markdown(t: &Township, year: u16, published: &str, f: &Figures, p: &Prose) -> String {
    let mut s = String::with_capacity(4096);
    let format_line = if f.gov2019() {
        "format: gov-2019\n"
    } else {
        ""
    };
    let _ = write!(
        s,
        "---\ntitle: {r}{n}{year}年度政府信息公开工作报告\norgan: {r}{n}人民政府\nregion: {r}\n\
         township: {n}\nslug: {slug}\nyear: {year}\n{format_line}published: {published}\n---\n\n\
         ## 一、总体情况\n\n{o0}\n\n{o1}\n\n## 二、主动公开政府信息情况\n\n",
        r = t.region,
        n = t.name,
        slug = t.slug,
        o0 = p.overview[0],
        o1 = p.overview[1],
    );
    active(&mut s, &f.active);
    s.push_str("\n## 三、收到和处理政府信息公开申请情况\n\n");
    applications(&mut s, f);
    s.push_str("\n## 四、政府信息公开行政复议、行政诉讼情况\n\n```yaml table=reviews\n");
    for (label, r) in ["行政复议", "未经复议直接起诉", "复议后起诉"]
        .iter()
        .zip(&f.reviews)
    {
        let _ = writeln!(s, "{label}: {}", row(r, true));
    }
    let _ = write!(
        s,
        "```\n\n## 五、存在的主要问题及改进情况\n\n{}\n\n{}\n\n## 六、其他需要报告的事项\n\n无\n",
        p.problems[0], p.problems[1]
    );
    s
}

fn active(s: &mut String, a: &Active) {
    s.push_str("```yaml table=active\n");
    match a {
        Active::Gov2021 {
            rules,
            normative,
            counts,
            fees,
        } => {
            let _ = writeln!(s, "规章: {}", row(rules, false));
            let _ = writeln!(s, "行政规范性文件: {}", row(normative, false));
            for (label, n) in counts {
                let _ = writeln!(s, "{label}: {n}");
            }
            let _ = writeln!(s, "行政事业性收费: {fees}");
        }
        Active::Gov2019 {
            rules,
            normative,
            items,
            fees,
            procurement,
        } => {
            let _ = writeln!(s, "规章: {}", row(rules, false));
            let _ = writeln!(s, "规范性文件: {}", row(normative, false));
            for (label, v) in items {
                let _ = writeln!(s, "{label}: {}", row(v, false));
            }
            let _ = writeln!(s, "行政事业性收费: {}", row(fees, false));
            let _ = writeln!(s, "政府集中采购: [{}, {}元]", procurement.0, procurement.1);
        }
    }
    s.push_str("```\n");
}

fn applications(s: &mut String, f: &Figures) {
    s.push_str("```yaml table=applications\n");
    let _ = writeln!(s, "本年新收政府信息公开申请数量: {}", row(&f.new, true));
    let _ = writeln!(s, "上年结转政府信息公开申请数量: {}", row(&f.carried, true));
    let mut leaves = f.leaves.iter();
    for (group, subs) in result_groups(f.gov2019()) {
        match subs {
            None => {
                let r = leaves.next().copied().unwrap_or_default();
                let _ = writeln!(s, "{group}: {}", row(&r, true));
            }
            Some(subs) => {
                let _ = writeln!(s, "{group}:");
                for sub in subs {
                    let r = leaves.next().copied().unwrap_or_default();
                    let _ = writeln!(s, "  {sub}: {}", row(&r, true));
                }
            }
        }
    }
    let _ = writeln!(s, "总计: {}", row(&f.total(), true));
    let _ = writeln!(s, "结转下年度继续办理: {}", row(&f.forward, true));
    s.push_str("```\n");
}
