//! The training worker binary (Trunk builds it with `data-type="worker"`).

fn main() {
    console_error_panic_hook::set_once();
    let _ = console_log::init_with_level(log::Level::Info);
    ciclo_app::worker::run();
}
