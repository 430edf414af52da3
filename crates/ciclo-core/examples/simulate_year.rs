//! Runs a year of the production simulation natively and prints its story: one line per period (drift
//! share, drifted columns, estimated and realized F1, the frozen model's F1) and every event, then the
//! time it took. `cargo run --release -p ciclo-core --example simulate_year -- [preset] [policy]`
//! (presets: calm, price_rise, competitor, marketing, new_segment, incidents; policies: none, every-N,
//! on-drift, on-drop).

use std::time::Instant;

use ciclo_core::simulate::{Policy, Preset, SimConfig, Simulation};

fn main() {
    let mut args = std::env::args().skip(1);
    let preset = args.next().and_then(|p| Preset::parse(&p)).unwrap_or(Preset::PriceRise);
    let policy = args.next().and_then(|p| Policy::parse(&p)).unwrap_or(Policy::OnDrift);
    let config = SimConfig { scenarios: preset.scenarios(), policy, ..SimConfig::default() };
    let start = Instant::now();
    let mut sim = match Simulation::new(config) {
        Ok(sim) => sim,
        Err(error) => return eprintln!("{error}"),
    };
    for e in &sim.opening().events {
        println!("  0 {:?}", e.kind);
    }
    loop {
        match sim.step() {
            Ok(Some(step)) => {
                let s = &step.summary;
                let drifted: Vec<&str> = s
                    .report
                    .data_drift
                    .columns
                    .iter()
                    .filter(|c| c.drifted)
                    .map(|c| c.column.as_str())
                    .collect();
                let est = s.report.estimated.as_ref().map(|e| e.f1).unwrap_or(f64::NAN);
                println!(
                    "{:3} v{} drift {:.2} est f1 {est:.3} {drifted:?}",
                    s.period, s.champion, s.report.data_drift.share
                );
                for (q, realized, frozen) in &step.labeled {
                    println!("      labels of {q}: f1 {:.3}, frozen {:.3}", realized.f1, frozen.f1);
                }
                for e in &step.events {
                    println!("      {:?}", e.kind);
                }
            }
            Ok(None) => break,
            Err(error) => return eprintln!("{error}"),
        }
    }
    println!("{} periods in {:.2} s", sim.summaries().len(), start.elapsed().as_secs_f64());
}
