//! Entry point that Trunk builds into `dist/` (wasm32 only; natively it does nothing).

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        halab_web::panic::install();
        yew::Renderer::<halab_web::App>::new().render();
    }
}
