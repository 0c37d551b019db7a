//! The authors' guide lists every row of every built-in format, so it cannot
//! silently fall behind the definitions.

use nianbao::format::Registry;

#[test]
fn authoring_guide_names_every_row_and_table() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/authoring.md")).unwrap();
    let registry = Registry::builtin();
    for id in registry.ids() {
        let f = registry.get(id).unwrap();
        assert!(
            guide.contains(&format!("（{id}，")),
            "the guide has no section for {id}"
        );
        for t in &f.tables {
            assert!(
                guide.contains(&format!("`{}`", t.id)),
                "table {} missing",
                t.id
            );
            for r in 0..t.rows.len() {
                let d = t.row_def(r);
                assert!(
                    guide.contains(&d.label),
                    "{id}: row label {} missing",
                    d.label
                );
                assert!(
                    guide.contains(&format!("`{}`", d.id)),
                    "{id}: row id {} missing",
                    d.id
                );
            }
        }
    }
}
