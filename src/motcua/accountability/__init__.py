"""Accountability for leaders and inspectors: who holds what and for how long,
hold times per step, bounced dossiers, repeated supplementation requests,
officers' refusal and supplementation rates against their peers, late
receptions and apologies; the tracking book (form 07), the periodic
statistics report, and their exports (CSV and xlsx)."""
