"""Lengths of delivery routes."""

from geometry import distance


def route_length(points):
    return sum(distance(a, b) for a, b in zip(points, points[1:]))


def longest_leg(points):
    legs = list(zip(points, points[1:]))
    return max(legs, key=lambda leg: distance(*leg)) if legs else None
