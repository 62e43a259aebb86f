//! A number (or range) `<input>` that keeps what the user is typing.
//!
//! Yew writes a rendered `value` back into a field on every re-render (it compares with the live
//! DOM), which would wipe what the user is typing whenever something else on the page redraws (a
//! table landing, the pointer moving, a progress bar). A [`Field`] re-renders only when the
//! model's value (or its own look) changes, and [`number_field`] puts the value back itself when
//! a change is refused or unreadable. The ring lab and the availability page use both.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A change handler for a number field: restores `current`, then emits the parsed value or a
/// message saying what was wrong.
pub fn number_field<T: 'static>(
    current: String,
    what: &'static str,
    parse: fn(&str) -> Result<T, String>,
    on_value: Callback<T>,
    on_bad: Callback<String>,
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let text = input.value();
        input.set_value(&current);
        if text.trim().is_empty() {
            // A number field reads as empty when what was typed is not a number at all.
            on_bad.emit(trf!("{what}: expected a number.", "{what}：需要一个数字。"));
            return;
        }
        match parse(text.trim()) {
            Ok(v) => on_value.emit(v),
            Err(why) => on_bad.emit(trf!("{what}: {why}.", "{what}：{why}。")),
        }
    })
}

#[derive(Properties)]
pub struct FieldProps {
    /// The model's value: written into the field when it changes, and only then.
    pub value: AttrValue,
    /// `number`, `range` or `text`.
    pub kind: &'static str,
    pub testid: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    pub min: AttrValue,
    pub max: AttrValue,
    pub step: AttrValue,
    pub onchange: Callback<Event>,
    #[prop_or_default]
    pub oninput: Option<Callback<InputEvent>>,
    /// The field's element, for a parent that writes into it (the slider into its number).
    #[prop_or_default]
    pub node_ref: Option<NodeRef>,
}

/// Callbacks are left out on purpose: they are rebuilt on every parent render but act on the
/// same model, and comparing them would re-render the field, and reset it, every time.
impl PartialEq for FieldProps {
    fn eq(&self, o: &Self) -> bool {
        (&self.value, self.kind, &self.testid, &self.label, &self.id, &self.class)
            == (&o.value, o.kind, &o.testid, &o.label, &o.id, &o.class)
            && (&self.min, &self.max, &self.step) == (&o.min, &o.max, &o.step)
    }
}

/// An `<input>` that shows the model's value and leaves the user's typing alone otherwise (see
/// the module doc).
#[function_component(Field)]
pub fn field(p: &FieldProps) -> Html {
    let own = use_node_ref();
    let node = p.node_ref.clone().unwrap_or(own);
    html! {
        <input ref={node} type={p.kind} id={p.id.clone()} class={p.class.clone()} data-testid={p.testid.clone()}
            aria-label={p.label.clone()} min={p.min.clone()} max={p.max.clone()} step={p.step.clone()}
            value={p.value.clone()} onchange={p.onchange.clone()} oninput={p.oninput.clone()} />
    }
}
