//! The service lab (load balancing and failover), as a bundle of its own that Trunk builds into `dist/` (wasm32 only; natively it does
//! nothing). See [`halab_web::Bundle`].

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        halab_web::panic::install();
        yew::Renderer::<halab_web::Site<halab_web::LbBundle>>::new().render();
    }
}
