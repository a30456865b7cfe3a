# Columns count UTF-8 bytes in CPython's tree: non-ASCII text shifts them.
café = "naïve"
π = 3.14159
数据 = [π, café]
résumé = {'clé': 'valeur', "日本": '語'}
x = "😀" + café + "é"
y = f"{café}é{数据[0]}😀{résumé['clé']!r}"
z = 'ünïcödé' if π else "ñ"
def naïve(α, β=2, *γ, δ, **ε) -> "Ω":
    return α + β
class Ünïcode:
    ß = 1
print(naïve(1, δ=2), Ünïcode.ß, "")
w = "\u00e9" "é" '\xe9'
emoji_list = ["😀", "🎉", "👍🏽"]
zero_width = "a\u200bb"
combining = "e\u0301"
