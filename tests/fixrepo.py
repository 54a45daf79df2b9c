"""A tiny buggy project and canned model answers shared by the fix-loop tests."""

CALC = {
    "calc.py": """
        def add(a, b):
            return a - b


        def mul(a, b):
            return a * b
        """,
    "tests/test_calc.py": """
        from calc import add, mul


        def test_add():
            assert add(2, 3) == 5


        def test_mul():
            assert mul(2, 3) == 6
        """,
    "notes.txt": "hello\n",
}

GOOD_DIFF = """Here is the fix:
```diff
--- a/calc.py
+++ b/calc.py
@@ -1,2 +1,2 @@
 def add(a, b):
-    return a - b
+    return a + b
```
"""

WRONG_DIFF = """```diff
--- a/calc.py
+++ b/calc.py
@@ -1,2 +1,2 @@
 def add(a, b):
-    return a - b
+    return a * b
```
"""
