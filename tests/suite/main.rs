//! nianbao's integration tests: one test crate (one link of the library
//! instead of one per file), one module per area, shared helpers in
//! [`support`].

mod support;

mod architecture;
mod build_sample;
mod check_cross;
mod check_identities;
mod check_meta;
mod check_values;
mod clerk;
mod corpus;
mod docs;
#[cfg(feature = "serve")]
mod editor_serve;
mod editor_writeback;
mod hostile;
mod import_cli;
mod import_seed;
mod import_shapes;
mod incremental;
mod portal;
mod safety;
#[cfg(feature = "search")]
mod search;
#[cfg(feature = "serve")]
mod serve;
mod site_data;
mod site_feeds;
mod site_format;
mod site_index;
mod watch;
mod yaml_differential;
