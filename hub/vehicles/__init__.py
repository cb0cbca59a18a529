"""Operating vehicles 营运车辆 and their road transport certificates 道路运输证."""
