import json,sys,collections
d=json.load(open(sys.argv[1]))
nodes={n['id']:n for n in d['nodes']}
parent={}
for n in d['nodes']:
    for c in n.get('children',[]): parent[c]=n['id']
dt=collections.Counter()
for s,t in zip(d['samples'],d['timeDeltas']): dt[s]+=t
self_=collections.Counter(); incl=collections.Counter()
for nid,t in dt.items():
    n=nodes[nid]; cf=n['callFrame']
    self_[(cf['functionName'],cf['url'].split('/')[-1],cf['lineNumber'])]+=t
    seen=set(); x=nid
    while x is not None:
        cf=nodes[x]['callFrame']; k=(cf['functionName'],cf['url'].split('/')[-1],cf['lineNumber'])
        if k not in seen: incl[k]+=t; seen.add(k)
        x=parent.get(x)
print('SELF'); [print(round(v/1000),k) for k,v in self_.most_common(25)]
print('INCL'); [print(round(v/1000),k) for k,v in incl.most_common(400) if '.ts' in k[1] or 'backend' in k[1]]
