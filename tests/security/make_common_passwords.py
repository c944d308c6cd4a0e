"""Generate src/clearnote/security/data/common_passwords.txt (see PROVENANCE.md)."""

BASE = """123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball
abc123 football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890
michael 654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer
zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger sunshine iloveyou 2000 charlie
robert
thomas hockey ranger daniel starwars klaster 112233 george computer michelle jessica pepper 1111
zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese
amanda summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas austin
thunder taylor matrix william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm
hammer silver 222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter orange
11111 golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky snoopy
maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey steelers
joseph mercedes dakota arsenal eagles melissa boomer booboo spider nascar monster tigers yellow
xxxxxx 123123123 gateway marina diablo bulldog qwer1234 compaq purple hardcore banana junior hannah
123654 porsche lakers iceman money cowboys 987654 london tennis 999999 ncc1701 coffee scooby 0000
miller boston q1w2e3r4 brandon yamaha chester mother forever johnny edward 333333 oliver redsox
player nikita knight fender barney midnight please brandy chicago badboy slayer rangers charles
angel flower rabbit wizard bigdick jasper enter rachel chris steven winner adidas victoria natasha
1q2w3e4r jasmine winter prince panties marine ghbdtn fishing cocacola casper james 232323 raiders
888888 marlboro gandalf asdfasdf crystal 87654321 12344321 golden 8675309 blowme jordan23 lovely
angels apple dolphin tiffany football1 letmein1 admin administrator root changeme default guest
login passw0rd p@ssw0rd p@ssword passwort motdepasse contrasena qwerty123 qwertyui asdfghjkl
zaq12wsx 1qazxsw2 qweasdzxc 147258369 741852963 159357 0987654321 abcdef abcd1234 aa123456
a123456 iloveu loveme lovelove babygirl princess1 monkey1 family friends blessed jesus faith
heaven hope peace happy sunflower butterfly rainbow chocolate cupcake pokemon naruto minecraft
fortnite roblox superstar rockstar hellokitty spongebob liverpool manchester barcelona realmadrid
chelsea1 arsenal1 united everton juventus madrid newyork california texas florida america
canada mexico brazil germany france england ireland scotland australia india china japan
therapy therapist counselor counseling clinic clinical doctor nurse patient health medical
hospital psychology psychologist psychiatry mental wellness mindful mindfulness healing
clearnote clearnotes practice office reception session sessions notes progress record records
welcome1 welcome123 password1 password12 password123 password1234 passw0rd1 admin123 admin1234
root123 test123 test1234 guest123 user user123 demo demo123 temp temp123 changeme1 letmein123
summer2020 summer2021 summer2022 summer2023 summer2024 summer2025 winter2020 winter2021
winter2022 winter2023 winter2024 winter2025 spring2024 spring2025 autumn2024 fall2024 fall2025
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday qwertyqwerty passwordpassword
iloveyou1 iloveyou2 iloveyou123 trustno1! letmein! welcome! password! qwerty! abc123!
correcthorsebatterystaple correcthorse horsebatterystaple thequickbrownfox
""".split()
SUFFIXES = [
    "",
    "1",
    "12",
    "123",
    "1234",
    "!",
    "1!",
    "01",
    "2024",
    "2025",
    "2026",
    "69",
    "007",
    "99",
]
KEYBOARD = [
    "qwertyuiopasdfghjkl",
    "qwertyuiopasdf",
    "asdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv",
    "qazwsxedcrfvtgb",
    "zaq1xsw2cde3",
    "1q2w3e4r5t6y",
    "q1w2e3r4t5y6u7i8",
    "zxcvbnmasdfghjkl",
    "qwertyuiop123456",
    "1234567890qwertyuiop",
    "!qaz@wsx#edc",
    "!@#$%^&*",
    "!@#$%^&*()",
]
out: list[str] = []
seen: set[str] = set()


def add(w: str) -> None:
    if w not in seen:
        seen.add(w)
        out.append(w)


for w in BASE:
    add(w)
for w in KEYBOARD:
    add(w)
for n in range(1, 21):
    add("".join(str(i % 10) for i in range(1, n + 1)))
    add("".join(str(i % 10) for i in range(n, 0, -1)))
for d in "0123456789":
    for n in (6, 8, 10, 12, 15, 16):
        add(d * n)
for c in "abcdefghijklmnopqrstuvwxyz":
    add(c * 8)
    add(c * 15)
words = [w for w in BASE if w.isalpha() and 4 <= len(w) <= 12]
for w in words:
    for s in SUFFIXES[1:]:
        if len(out) >= 1500:
            break
        add(w + s)
for y in range(1950, 2031):
    add(str(y))
    add(f"password{y}")
    add(f"qwerty{y}")
print("\n".join(out))
