//! Conformance harness over the third-party corpus (`../shared/corpus`, or `CONFIA_CORPUS`).
//!
//! Each kind prints `kind: N passed, M failed` and the test fails when a case recorded as
//! passing in `tests/conformance/expected.tsv` no longer passes. Set
//! `CONFIA_UPDATE_EXPECTATIONS=1` to rewrite that file after an intended change.

mod c14n;
mod cades;
mod corpus;
mod crl;
mod limbo;
mod pkits;
mod tl;
mod xades;
mod xmldsig;

use corpus::{Corpus, Scoreboard};

fn main() {
    let Some(corpus) = Corpus::locate() else {
        println!("conformance: skipped, corpus folder not found (set CONFIA_CORPUS or provide ../shared/corpus)");
        return;
    };
    let mut board = Scoreboard::load();
    cades::run(&corpus, &mut board);
    pkits::run(&corpus, &mut board);
    limbo::run(&corpus, &mut board);
    crl::run(&corpus, &mut board);
    c14n::run(&corpus, &mut board);
    xmldsig::run(&corpus, &mut board);
    xades::run(&corpus, &mut board);
    tl::run(&corpus, &mut board);
    board.finish();
}
