//! A synthetic corpus: N valid reports for benchmarks, tests, the browser
//! suite and fuzz seeds, so that none of them needs anything outside the
//! repository (`nianbao corpus`, hidden from the main help).
//!
//! Reports are townships × years: each township has a gov-2019 report for
//! 2020 and gov-2021 reports for 2021–2025, and consecutive years agree
//! (上年结转 is last year's 结转下年度, in-force documents continue), so the
//! corpus checks with no errors and no cross-year warnings. The same seed gives
//! the same bytes. [`peers`] writes the same reports as Hugo and Zola sites
//! with equivalent templates, for `scripts/bench`.

mod figures;
pub mod peers;
mod rng;
mod text;

use std::io;
use std::path::{Path, PathBuf};

pub use figures::Figures;
pub use rng::Rng;

/// The years of every township, oldest first; 2020 is written in gov-2019.
pub const YEARS: [u16; 6] = [2020, 2021, 2022, 2023, 2024, 2025];

/// Regions and their URL names (written into `site.toml`'s `[regions]`).
const REGIONS: [(&str, &str); 8] = [
    ("大洼区", "dawa"),
    ("盘山县", "panshan"),
    ("双台子区", "shuangtaizi"),
    ("兴隆台区", "xinglongtai"),
    ("海城市", "haicheng"),
    ("凌源市", "lingyuan"),
    ("东昌区", "dongchang"),
    ("邹城市", "zoucheng"),
];

/// Syllables of township names, with their pinyin for the URL name.
const SYLLABLES: [(&str, &str); 20] = [
    ("平", "ping"),
    ("安", "an"),
    ("新", "xin"),
    ("兴", "xing"),
    ("东", "dong"),
    ("西", "xi"),
    ("南", "nan"),
    ("北", "bei"),
    ("河", "he"),
    ("山", "shan"),
    ("田", "tian"),
    ("家", "jia"),
    ("庄", "zhuang"),
    ("桥", "qiao"),
    ("林", "lin"),
    ("清", "qing"),
    ("水", "shui"),
    ("石", "shi"),
    ("阳", "yang"),
    ("明", "ming"),
];

#[derive(Debug, Clone)]
pub struct Options {
    /// How many reports (townships × years).
    pub reports: usize,
    pub seed: u64,
    /// Site folder to write (`site.toml`, `content/`).
    pub out: PathBuf,
    /// Also write the same reports as a Hugo site here.
    pub hugo: Option<PathBuf>,
    /// Also write the same reports as a Zola site here.
    pub zola: Option<PathBuf>,
}

/// A township of the corpus.
#[derive(Debug, Clone)]
pub struct Township {
    pub region: &'static str,
    pub name: String,
    pub slug: String,
}

/// One generated report: where it goes, its Markdown, and its figures.
#[derive(Debug, Clone)]
pub struct Generated {
    pub township: Township,
    pub year: u16,
    pub published: String,
    pub markdown: String,
    pub figures: Figures,
}

impl Generated {
    pub fn title(&self) -> String {
        format!(
            "{}{}{}年度政府信息公开工作报告",
            self.township.region, self.township.name, self.year
        )
    }
    pub fn organ(&self) -> String {
        format!("{}{}人民政府", self.township.region, self.township.name)
    }
    /// Path under `content/`.
    pub fn rel_path(&self) -> String {
        format!("{}/{}.md", self.year, self.township.slug)
    }
}

/// `count` distinct townships, two syllables each (a number after the
/// syllables once all 400 pairs are used), spread over the regions.
pub fn townships(count: usize) -> Vec<Township> {
    let n = SYLLABLES.len();
    (0..count)
        .map(|i| {
            let (a, pa) = SYLLABLES[i % n];
            let (b, pb) = SYLLABLES[(i / n) % n];
            let round = i / (n * n);
            let suffix = if round == 0 {
                String::new()
            } else {
                round.to_string()
            };
            Township {
                region: REGIONS[i % REGIONS.len()].0,
                name: format!("{a}{b}{suffix}镇"),
                slug: format!("{pa}{pb}{suffix}"),
            }
        })
        .collect()
}

/// Every report of the corpus, in writing order (township by township,
/// oldest year first). Lazy, so a large corpus is never held in memory.
pub fn reports(count: usize, seed: u64) -> impl Iterator<Item = Generated> {
    let towns = townships(count.div_ceil(YEARS.len()));
    let mut rng = Rng::new(seed);
    towns
        .into_iter()
        .flat_map(|t| YEARS.iter().map(move |&y| (t.clone(), y)))
        .take(count)
        .scan(figures::Carry::default(), move |carry, (town, year)| {
            if year == YEARS[0] {
                *carry = figures::Carry::default();
            }
            let figures = Figures::generate(&mut rng, year, carry);
            let published = format!("{}-01-{:02}", year + 1, rng.range(10, 31));
            let prose = text::Prose::generate(&mut rng);
            let markdown = text::markdown(&town, year, &published, &figures, &prose);
            Some(Generated {
                township: town,
                year,
                published,
                markdown,
                figures,
            })
        })
}

/// Write the corpus (and the peer sites asked for); returns the number of
/// reports written.
pub fn write(opts: &Options) -> io::Result<usize> {
    std::fs::create_dir_all(opts.out.join("content"))?;
    std::fs::write(opts.out.join("site.toml"), site_toml())?;
    if let Some(h) = &opts.hugo {
        peers::hugo_skeleton(h)?;
    }
    if let Some(z) = &opts.zola {
        peers::zola_skeleton(z, &YEARS)?;
    }
    let mut written = 0;
    for g in reports(opts.reports, opts.seed) {
        write_file(&opts.out.join("content").join(g.rel_path()), &g.markdown)?;
        if let Some(h) = &opts.hugo {
            write_file(&h.join("content").join(g.rel_path()), &peers::hugo_page(&g))?;
        }
        if let Some(z) = &opts.zola {
            write_file(&z.join("content").join(g.rel_path()), &peers::zola_page(&g))?;
        }
        written += 1;
    }
    Ok(written)
}

/// The corpus's `site.toml`: a title and every region's URL name.
pub fn site_toml() -> String {
    let mut s = String::from(
        "title = \"政府信息公开工作年度报告（基准语料）\"\nbase_url = \"https://www.example.gov.cn/ndbg/\"\n\n\
         # Hugo and Zola build no search index: scripts/bench compares like with\n\
         # like, and measures search on its own row.\n\
         [search]\nenabled = false\n\n[regions]\n",
    );
    for (name, slug) in REGIONS {
        s.push_str(&format!("\"{name}\" = \"{slug}\"\n"));
    }
    s
}

fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}
