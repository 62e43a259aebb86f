//! The core's texts in Chinese: its fixed strings (preset stories, bug switches, invariant
//! names, enum labels) and its sentences ([`Msg`]: notes, invariant details, message
//! descriptions, scenario errors).
//!
//! Why a table at the edge instead of Chinese in the core: the core stays one language and
//! no-IO, its traces hash the English, and only the web bundles that show a text carry its
//! Chinese. The key is the English text or template, as gettext keys by the source string; the
//! coverage test (`tests::every_core_text_has_its_chinese`) reads every `msg!` template in the
//! core sources and every fixed string the page shows, so a text without its Chinese, or a
//! Chinese whose holes differ, fails the build's tests rather than reaching a reader.

use super::{lang, Lang};
use halab_core::msg::{Arg, Msg};

mod names;
mod protocols;
mod services;

const TABLES: [&[(&str, &str)]; 3] = [names::ZH, protocols::ZH, services::ZH];

/// The Chinese of a core text or template, if the tables have it.
pub fn chinese(en: &str) -> Option<&'static str> {
    TABLES.iter().flat_map(|t| t.iter()).find(|(k, _)| *k == en).map(|&(_, zh)| zh)
}

/// A fixed core text (a preset's title, an invariant's name) in the current language.
pub fn text(en: &'static str) -> &'static str {
    match lang() {
        Lang::En => en,
        Lang::Zh => chinese(en).unwrap_or(en),
    }
}

/// A core sentence in the current language. A template without its Chinese (the coverage test
/// forbids it) shows in English rather than not at all.
pub fn msg(m: &Msg) -> String {
    match lang() {
        Lang::En => m.english(),
        Lang::Zh => zh(m),
    }
}

fn zh(m: &Msg) -> String {
    let template = chinese(m.template()).unwrap_or(m.template());
    m.fill(template, &|a| match a {
        Arg::Text(s) => s.clone(),
        Arg::Msg(inner) => zh(inner),
    })
}

#[cfg(test)]
mod tests;
