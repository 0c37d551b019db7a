//! Helpers shared by the test modules. Every temporary site is a
//! [`site::TempSite`]; the other modules add what their area needs.
#![allow(dead_code)]

pub mod common;
pub mod rebuild_common;
pub mod site;
pub mod site_common;
