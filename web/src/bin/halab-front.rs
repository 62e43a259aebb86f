//! The front bundle that Trunk builds into `dist/` (wasm32 only; natively it does nothing).
//! Which pages it carries: [`halab_web::Front`].

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        halab_web::panic::install();
        yew::Renderer::<halab_web::Site<halab_web::Front>>::new().render();
    }
}
