//! Words the core writes for people (notes, scenario errors) as data: an English template with
//! named holes, and the values that fill them.
//!
//! Why not `String`: the page shows them in English or Chinese (issue 15), and translating a
//! finished sentence means parsing it. A [`Msg`] keeps the template, so the page looks up its
//! translation by the English template (gettext's convention: the source text is the key) and
//! fills the same holes. Values that are words themselves ("client 2", a reason) are `Msg`s
//! too, so they are translated with the sentence.
//!
//! The core renders a `Msg` in English ([`Msg::english`]); traces hash and serialise that
//! rendering, exactly the `String` a note used to be, so no trace pin moved when notes became
//! data.

use serde::Serialize;
use std::hash::{Hash, Hasher};

/// A sentence: a template such as `"node {id} leads with ballot {ballot}"` and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    template: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// One value in a [`Msg`]: a number or name as it is written in every language, or words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Msg(Msg),
}

impl Msg {
    /// A sentence without holes.
    pub const fn text(template: &'static str) -> Msg {
        Msg { template, args: Vec::new() }
    }

    /// Use [`msg!`](crate::msg), which names the values after the holes they fill.
    pub fn new(template: &'static str, args: Vec<(&'static str, Arg)>) -> Msg {
        debug_assert!(
            holes(template).all(|h| args.iter().any(|(name, _)| *name == h)),
            "a hole of {template:?} has no value"
        );
        Msg { template, args }
    }

    /// The English template: the key of its translations.
    pub fn template(&self) -> &'static str {
        self.template
    }

    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// The value filling hole `name`, if it has one.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    /// `template` (this message's own, or a translation of it with the same holes) with each
    /// hole filled by `arg` of its value. A hole with no value is left as it is.
    pub fn fill(&self, template: &str, arg: &dyn Fn(&Arg) -> String) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').map(|close| (&after[..close], close)) {
                Some((name, close)) if is_name(name) => {
                    match self.args.iter().find(|(n, _)| *n == name) {
                        Some((_, value)) => out.push_str(&arg(value)),
                        None => out.push_str(&rest[open..open + close + 2]),
                    }
                    rest = &after[close + 1..];
                }
                _ => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

impl Arg {
    /// A value that is not words (a number, a name), as written.
    pub fn text(&self) -> Option<&str> {
        match self {
            Arg::Text(s) => Some(s),
            Arg::Msg(_) => None,
        }
    }

    /// A value that is words.
    pub fn msg(&self) -> Option<&Msg> {
        match self {
            Arg::Msg(m) => Some(m),
            Arg::Text(_) => None,
        }
    }

    /// The value in English.
    pub fn english(&self) -> String {
        match self {
            Arg::Text(s) => s.clone(),
            Arg::Msg(m) => m.english(),
        }
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The names of a template's holes, in order.
pub fn holes(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(name, _)| name)).filter(|n| is_name(n))
}

impl Msg {
    /// The sentence in English: what traces hash and tests read. A page shows a `Msg` in the
    /// reader's language instead (`web::i18n::zh_core::msg`), which is why `Msg` has no
    /// `Display`: a `format!("{}", msg)` in the page would compile and show English to a
    /// Chinese reader.
    pub fn english(&self) -> String {
        if self.args.is_empty() {
            return self.template.to_owned();
        }
        self.fill(self.template, &Arg::english)
    }
}

/// As the English `String` it renders to, so a trace hashes as it did when notes were strings.
impl Hash for Msg {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.english().hash(state);
    }
}

impl Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.english())
    }
}

/// What a [`msg!`](crate::msg) value may be.
pub trait IntoArg {
    fn into_arg(self) -> Arg;
}

impl IntoArg for Msg {
    fn into_arg(self) -> Arg {
        Arg::Msg(self)
    }
}

impl IntoArg for &Msg {
    fn into_arg(self) -> Arg {
        Arg::Msg(self.clone())
    }
}

macro_rules! displayed {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                Arg::Text(self.to_string())
            }
        }
    )*};
}
displayed!(u8, u16, u32, u64, usize, i32, i64, f64, char, String, &str, &String);

/// A [`Msg`]: `msg!("node {id} leads with ballot {ballot}", id, ballot = b.to_string())`. Each
/// hole is named by a value, given as a variable of that name or as `name = expression`.
#[macro_export]
macro_rules! msg {
    (@value $k:ident) => { $k };
    (@value $k:ident = $v:expr) => { $v };
    ($t:literal $(,)?) => { $crate::msg::Msg::text($t) };
    ($t:literal, $($k:ident $(= $v:expr)?),+ $(,)?) => {
        $crate::msg::Msg::new(
            $t,
            vec![$((stringify!($k), $crate::msg::IntoArg::into_arg($crate::msg!(@value $k $(= $v)?)))),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_msg_renders_as_the_string_it_replaced() {
        let (id, ballot) = (3u8, "2.1");
        let m = msg!("node {id} leads with ballot {ballot}", id, ballot);
        assert_eq!(m.english(), format!("node {id} leads with ballot {ballot}"));
        let who = msg!("client {n}", n = 2u8);
        let m = msg!("{who} stops holding: {why}", who, why = msg!("its lease ran out"));
        assert_eq!(m.english(), "client 2 stops holding: its lease ran out");
        let zh = m.fill("{who} 不再持有：{why}", &|a| match a {
            Arg::Msg(m) if m.template() == "client {n}" => m.fill("客户端 {n}", &Arg::english),
            a => a.english(),
        });
        assert_eq!(zh, "客户端 2 不再持有：its lease ran out");
    }

    #[test]
    fn hashes_and_serialises_as_its_english() {
        use std::collections::hash_map::DefaultHasher;
        let h = |x: &dyn Fn(&mut DefaultHasher)| {
            let mut s = DefaultHasher::new();
            x(&mut s);
            s.finish()
        };
        let n = 7u64;
        let m = msg!("node 1 committed up to index {n}", n);
        assert_eq!(h(&|s| m.hash(s)), h(&|s| "node 1 committed up to index 7".to_string().hash(s)));
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"node 1 committed up to index 7\"");
    }

    #[test]
    fn braces_that_are_not_holes_are_kept() {
        let n = 1u8;
        assert_eq!(msg!("{n} of {a b} {", n).english(), "1 of {a b} {");
        assert_eq!(Msg::text("{missing}").fill("{missing}", &Arg::english), "{missing}");
        assert_eq!(holes("a {x} {y:?} {z}").collect::<Vec<_>>(), vec!["x", "z"]);
    }
}
