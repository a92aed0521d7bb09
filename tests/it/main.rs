//! The one integration test binary of the workspace (matklad's "one test binary" layout):
//! every module here links into `it`, which builds once.

mod code_map;
mod contract;
mod curl_recipes;
mod error_table;
mod export_flow;
mod fuzz_corpora;
mod message;
mod run_errors;
mod store_failures;
mod support;
mod turn_rules;
