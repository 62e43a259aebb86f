//! Chinese and English (issue 15).
//!
//! Every UI string is written once, in both languages, where it is used: `tr!("Play", "运行")`
//! for a fixed string, `trf!("{n} nodes", "{n} 个节点")` for a formatted one. A string without
//! its Chinese does not compile, and `tests::every_pair_is_complete` reads the sources to check
//! that each pair's Chinese is really Chinese and names the same `{placeholders}`.
//!
//! Why not a crate: `rust-i18n` and `fluent` look strings up by key at run time (a hash map
//! filled at start-up, or a parsed FTL bundle), so a missing key is found by a user, not the
//! compiler, and both add code to every Wasm bundle. Two `&'static str` per string and a
//! `match` cost nothing but the Chinese text itself, which only the bundles that show it carry.
//!
//! The language is a per-thread value set once when the app starts ([`choose`]): the URL's
//! `lang=` first, then the choice saved by the switch, then the browser's languages. The
//! switch reloads the page in the other language (a playground passes its share link, so the
//! run comes back at the same instant); every component reads [`lang`] as it renders.

use std::cell::Cell;

pub mod zh_core;

/// A language of the UI. Scenario keys and values stay language-neutral.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The `lang=` value and the `<html lang>` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    /// A language tag as browsers give it (`zh-CN`, `zh-Hant-TW`, `en-GB`), or a `lang=` value.
    /// Any Chinese is shown in our (simplified) Chinese.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }
}

/// The key the switch saves its choice under (`localStorage`).
pub const STORAGE_KEY: &str = "halab.lang";

/// The language to show: the URL's `lang=` (an unknown value is ignored, and said so by the
/// caller), else the saved choice, else the first of the browser's languages we have, else
/// English.
pub fn choose(url: Option<&str>, saved: Option<&str>, browser: &[String]) -> Lang {
    url.and_then(Lang::parse)
        .or_else(|| saved.and_then(Lang::parse))
        .or_else(|| browser.iter().find_map(|t| Lang::parse(t)))
        .unwrap_or_default()
}

/// The `lang=` value of a query, if any.
pub fn lang_in_query(query: &str) -> Option<&str> {
    crate::url::query_value(query, "lang")
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The language the UI is rendered in.
pub fn lang() -> Lang {
    CURRENT.with(Cell::get)
}

/// Sets the language for everything rendered after (start-up, and tests).
pub fn set_lang(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// Tests: renders in `lang` until the guard is dropped, then in English again, even when an
/// assertion fails on the way (tests that run after on the same thread expect English).
#[cfg(test)]
pub fn speaking(lang: Lang) -> impl Drop {
    struct BackToEnglish;
    impl Drop for BackToEnglish {
        fn drop(&mut self) {
            set_lang(Lang::En);
        }
    }
    set_lang(lang);
    BackToEnglish
}

/// One of a pair, by the current language. Use [`tr!`](crate::tr).
pub fn pick(en: &'static str, zh: &'static str) -> &'static str {
    match lang() {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// A string in both languages kept in a table (`const`), read with [`Text::get`]. Write it
/// with [`txt!`](crate::txt).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Text {
    pub fn get(self) -> &'static str {
        pick(self.en, self.zh)
    }
}

/// A [`Text`] for a table: `txt!("Consensus", "共识")`.
#[macro_export]
macro_rules! txt {
    ($en:literal, $zh:literal $(,)?) => {
        $crate::i18n::Text { en: $en, zh: $zh }
    };
}

/// A fixed UI string in English and Chinese: `tr!("Play", "运行")`.
#[macro_export]
macro_rules! tr {
    ($en:literal, $zh:literal $(,)?) => {
        $crate::i18n::pick($en, $zh)
    };
}

/// A formatted UI string in English and Chinese; arguments are captured by name:
/// `trf!("{n} nodes", "{n} 个节点")`.
#[macro_export]
macro_rules! trf {
    ($en:literal, $zh:literal $(,)?) => {
        match $crate::i18n::lang() {
            $crate::i18n::Lang::En => format!($en),
            $crate::i18n::Lang::Zh => format!($zh),
        }
    };
}

/// Browser side: reads the URL, the saved choice and `navigator.languages`, sets the language
/// and `<html lang>`. Returns the URL's `lang=` value when it named no language we have.
pub fn start(query: &str) -> Option<String> {
    let url = lang_in_query(query).filter(|v| !v.is_empty());
    let (saved, browser) = browser_prefs();
    let lang = choose(url, saved.as_deref(), &browser);
    set_lang(lang);
    // A link that names a language is a choice too: the pages it leads to keep it, although
    // their links carry no `lang=`. Not from a widget in someone's page, which only asks for
    // itself.
    if let (Some(chosen), false) = (url.and_then(Lang::parse), crate::url::salvage_embed(query)) {
        save(chosen);
    }
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", if lang == Lang::Zh { "zh-Hans" } else { "en" });
    }
    url.filter(|v| Lang::parse(v).is_none()).map(halab_core::scenario::units::shorten)
}

fn save(lang: Lang) {
    if let Some(store) = crate::url::local_storage() {
        let _ = store.set_item(STORAGE_KEY, lang.code());
    }
}

fn browser_prefs() -> (Option<String>, Vec<String>) {
    let Some(window) = web_sys::window() else { return (None, Vec::new()) };
    let saved = crate::url::local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let browser = window.navigator().languages().iter().filter_map(|v| v.as_string()).collect();
    (saved, browser)
}

/// The switch's action: saves the choice and loads `query` (this page's, or a playground's share
/// link) again with `lang=` set to it.
pub fn switch_to(lang: Lang, query: &str) {
    let Some(window) = web_sys::window() else { return };
    save(lang);
    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
    let _ = window.location().assign(&format!("{path}?{}", with_lang(query, lang)));
}

/// `query` with its `lang=` replaced by `lang` (added last when absent).
pub fn with_lang(query: &str, lang: Lang) -> String {
    let mut parts: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
        .map(str::to_owned)
        .collect();
    parts.push(format!("lang={}", lang.code()));
    parts.join("&")
}

/// `query` plus the `lang=` of the address bar, if it has one: pages rewrite their address from
/// the scenario, and the language the link asked for must survive that.
pub fn keep_lang(query: &str, address: &str) -> String {
    match lang_in_query(address) {
        Some(v) if lang_in_query(query).is_none() => {
            if query.is_empty() {
                format!("lang={v}")
            } else {
                format!("{query}&lang={v}")
            }
        }
        _ => query.to_owned(),
    }
}

#[cfg(test)]
mod tests;
