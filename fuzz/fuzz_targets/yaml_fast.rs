//! The hand-written YAML reader against serde-saphyr (issue 19): on any
//! input the fast reader accepts, serde-saphyr must accept it too and give
//! the same tree, positions and lengths included.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((fast, full)) = nianbao::yaml::both(text) {
        match full {
            Ok(full) => assert_eq!(fast, full, "the readers differ on {text:?}"),
            Err(e) => panic!("the fast reader accepted what serde-saphyr refuses ({e}): {text:?}"),
        }
    }
});
