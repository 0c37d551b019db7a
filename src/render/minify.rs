//! HTML minification (opt-in feature `minify`): closing tags and the
//! doctype are kept so validators and portal CMS importers read the pages.

#[cfg(feature = "minify")]
pub fn html(page: &str) -> String {
    use std::sync::OnceLock;
    static CFG: OnceLock<minify_html::Cfg> = OnceLock::new();
    let cfg = CFG.get_or_init(|| {
        let mut cfg = minify_html::Cfg::new();
        cfg.keep_closing_tags = true;
        cfg.keep_html_and_head_opening_tags = true;
        cfg.minify_css = true;
        cfg.minify_doctype = false;
        cfg
    });
    let out = minify_html::minify(page.as_bytes(), cfg);
    crate::content::utf8_owned(out).unwrap_or_else(|_| page.to_string())
}

#[cfg(not(feature = "minify"))]
pub fn html(page: &str) -> String {
    page.to_string()
}
