"""View: drawing the pose, trails and HUD, rendered videos, reports and plots; the per-frame pipeline."""
