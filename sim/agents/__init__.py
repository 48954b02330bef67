"""Mesa agents: seekers (views on population rows), municipalities, the employment service."""

from sim.agents.employment_service import EmploymentService
from sim.agents.municipality import Municipality
from sim.agents.seeker import Seeker

__all__ = ["EmploymentService", "Municipality", "Seeker"]
