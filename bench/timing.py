"Shared by the benchmarks: run variants interleaved, in alternating order, so that machine noise and warm-up hit all alike."

def interleaved(runs:dict, repeats:int) -> dict:
    "Call each function in `runs` `repeats` times, alternating their order each round; the list of results for each name."
    results = {name: [] for name in runs}
    for r in range(repeats):
        for name, f in list(runs.items())[::1 if r % 2 == 0 else -1]: results[name].append(f())
    return results
