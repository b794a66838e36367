// raidmap web map: draws the data embedded in this page (#raidmap-data) with Leaflet.
// Everything is built with DOM calls and textContent, never from data as HTML, so a property
// holding markup shows as text.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('raidmap-data').textContent);
  var P = data.palette;
  var SVG = 'http://www.w3.org/2000/svg';

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function isoDay(day) {
    return new Date(day * 86400000).toISOString().slice(0, 10);
  }

  // Lower case, accents removed: "Tonlé" finds "tonle".
  function fold(text) {
    return String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  var map = L.map('map', { minZoom: 4, maxZoom: 18, zoomSnap: 0.5 });
  document.getElementById('map').style.background = P.sea;
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(
    data.credits.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));

  // The offline basemap, under the data.
  [['rm-base', 200], ['rm-base-lines', 250], ['rm-base-labels', 390]].forEach(function (p) {
    map.createPane(p[0]).style.zIndex = p[1];
  });
  map.getPane('rm-base-labels').style.pointerEvents = 'none';
  var B = data.basemap;
  function base(layer, pane, style) {
    L.geoJSON(layer, { pane: pane, interactive: false, style: style }).addTo(map);
  }
  base(B.land, 'rm-base', function () {
    return { stroke: false, fillColor: P.land, fillOpacity: 1 };
  });
  base(B.countries, 'rm-base', function (f) {
    var khm = f.properties && f.properties.iso_a3 === 'KHM';
    return { stroke: false, fillColor: khm ? P.cambodia : P.neighbours, fillOpacity: 1 };
  });
  base(B.lakes, 'rm-base', function () {
    return { color: P.coastline, weight: 0.8, fillColor: P.lake, fillOpacity: 1 };
  });
  base(B.province_borders, 'rm-base-lines', function () {
    return { color: P.province_border, weight: 1, dashArray: '4 3', opacity: 0.9 };
  });
  base(B.rivers, 'rm-base-lines', function (f) {
    var level = (f.properties && f.properties.gshhg_level) || 4;
    return { color: P.river, weight: level <= 1 ? 1.8 : (level <= 2 ? 1.2 : 0.8),
      dashArray: level >= 10 ? '3 3' : null, opacity: 0.9 };
  });
  base(B.coastline, 'rm-base-lines', function () {
    return { color: P.coastline, weight: 1 };
  });
  base(B.country_borders, 'rm-base-lines', function () {
    return { color: P.country_border, weight: 2 };
  });
  var placeLabels = B.labels.map(function (label) {
    var span = el('span', null, label.text);
    var holder = el('div');
    holder.appendChild(span);
    return {
      label: label,
      marker: L.marker(label.at, {
        pane: 'rm-base-labels', interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'rm-label rm-label-' + label.kind, html: holder, iconSize: null })
      })
    };
  });
  function showPlaceLabels() {
    var z = map.getZoom();
    placeLabels.forEach(function (p) {
      var on = z >= p.label.min_zoom && (p.label.max_zoom === null || z < p.label.max_zoom);
      if (on && !map.hasLayer(p.marker)) { p.marker.addTo(map); }
      if (!on && map.hasLayer(p.marker)) { map.removeLayer(p.marker); }
    });
  }

  // A point symbol as a small SVG, centred on the point.
  function symbolSvg(symbol, radius, color, opacity) {
    var r = Math.max(2, radius);
    var size = Math.ceil(2 * r + 4);
    var c = size / 2;
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', size);
    svg.setAttribute('height', size);
    svg.setAttribute('viewBox', '0 0 ' + size + ' ' + size);
    var shape;
    if (symbol === 'dot' || symbol === 'ring') {
      shape = document.createElementNS(SVG, 'circle');
      shape.setAttribute('cx', c);
      shape.setAttribute('cy', c);
      shape.setAttribute('r', symbol === 'ring' ? r - 1 : r);
    } else {
      var pts;
      if (symbol === 'square') {
        pts = [[c - r * 0.85, c - r * 0.85], [c + r * 0.85, c - r * 0.85], [c + r * 0.85, c + r * 0.85], [c - r * 0.85, c + r * 0.85]];
      } else if (symbol === 'triangle') {
        pts = [[c, c - r], [c + r * 0.95, c + r * 0.7], [c - r * 0.95, c + r * 0.7]];
      } else {
        pts = [[c, c - r], [c + r, c], [c, c + r], [c - r, c]];
      }
      shape = document.createElementNS(SVG, 'polygon');
      shape.setAttribute('points', pts.map(function (p) { return p.join(','); }).join(' '));
    }
    if (symbol === 'ring') {
      shape.setAttribute('fill', 'none');
      shape.setAttribute('stroke', color);
      shape.setAttribute('stroke-width', '2.2');
    } else {
      shape.setAttribute('fill', color);
      shape.setAttribute('stroke', '#ffffff');
      shape.setAttribute('stroke-width', '1.2');
    }
    shape.setAttribute('opacity', opacity);
    svg.appendChild(shape);
    return { svg: svg, size: size };
  }

  function valueText(value) {
    if (value === null || value === undefined) { return '—'; }
    if (Array.isArray(value)) {
      return value.map(function (v) {
        if (v !== null && typeof v === 'object') {
          return Object.keys(v).map(function (k) { return v[k]; })
            .filter(function (x) { return x !== null && x !== ''; }).join(', ');
        }
        return String(v);
      }).join('; ');
    }
    if (typeof value === 'object') { return JSON.stringify(value); }
    return String(value);
  }

  function popupContent(feature) {
    var box = el('div', 'rm-popup');
    box.appendChild(el('h4', null, feature.name));
    var table = el('table');
    var props = feature.properties || {};
    Object.keys(props).forEach(function (key) {
      var row = el('tr');
      row.appendChild(el('th', null, key));
      row.appendChild(el('td', null, valueText(props[key])));
      table.appendChild(row);
    });
    box.appendChild(table);
    return box;
  }

  // The data layers.
  var entries = [];
  data.layers.forEach(function (layer) {
    var group = L.layerGroup().addTo(map);
    layer.features.forEach(function (feature) {
      var s = feature.style;
      var leaf;
      if (feature.geometry.type === 'Point') {
        var sym = symbolSvg(s.symbol, s.radius, s.color, s.opacity);
        var c = feature.geometry.coordinates;
        leaf = L.marker([c[1], c[0]], {
          title: feature.name, alt: feature.name, riseOnHover: true,
          icon: L.divIcon({ className: 'rm-symbol', html: sym.svg, iconSize: [sym.size, sym.size] })
        });
      } else {
        leaf = L.geoJSON(feature.geometry, {
          style: function () {
            return { color: s.color, opacity: s.opacity, weight: s.width,
              fillColor: s.fill, fillOpacity: s.fill_opacity };
          },
          pointToLayer: function (_, latlng) {
            return L.circleMarker(latlng, { radius: s.radius, color: '#fff', weight: 1,
              fillColor: s.color, fillOpacity: s.opacity });
          }
        });
      }
      leaf.bindPopup(function () { return popupContent(feature); }, { maxWidth: 360 });
      if (feature.label) {
        leaf.bindTooltip(el('span', null, feature.label), {
          permanent: true, direction: 'right', offset: [6, 0], className: 'rm-feature-label'
        });
      }
      entries.push({ feature: feature, leaf: leaf, group: group, layer: layer, shown: false });
    });
  });

  function setShown(entry, on) {
    if (on && !entry.shown) { entry.group.addLayer(entry.leaf); }
    if (!on && entry.shown) { entry.group.removeLayer(entry.leaf); }
    entry.shown = on;
  }

  // The window of days; features of dated layers outside it are hidden (and those whose date
  // cannot be read, as in raidmap's window).
  var windowDays = data.timeline ? [data.timeline.from, data.timeline.to] : null;
  function applyWindow() {
    entries.forEach(function (e) {
      var on = true;
      if (windowDays && e.feature.dated) {
        var w = e.feature.when;
        on = !!w && w[1] >= windowDays[0] && w[0] <= windowDays[1];
      }
      setShown(e, on);
    });
  }

  // Title and search, top left.
  var Search = L.Control.extend({
    options: { position: 'topleft' },
    onAdd: function () {
      var box = el('div', 'rm-panel rm-search');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(el('h1', 'rm-title', data.title));
      var input = el('input');
      input.type = 'search';
      input.placeholder = 'Search by name…';
      input.setAttribute('aria-label', 'Search features by name');
      var list = el('ol');
      input.addEventListener('input', function () {
        list.textContent = '';
        var q = fold(input.value.trim());
        if (!q) { return; }
        entries.filter(function (e) { return fold(e.feature.name).indexOf(q) >= 0; })
          .slice(0, 12).forEach(function (e) {
            var item = el('li');
            var button = el('button', null, e.feature.name + (e.shown ? '' : ' (outside the dates)'));
            button.type = 'button';
            button.addEventListener('click', function () {
              setShown(e, true);
              if (e.leaf.getLatLng) {
                map.setView(e.leaf.getLatLng(), Math.max(map.getZoom(), 11));
              } else {
                map.fitBounds(e.leaf.getBounds(), { maxZoom: 12 });
              }
              e.leaf.openPopup();
            });
            item.appendChild(button);
            list.appendChild(item);
          });
      });
      box.appendChild(input);
      box.appendChild(list);
      return box;
    }
  });
  new Search().addTo(map);

  // Legend, bottom right.
  var Legend = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd: function () {
      var box = el('div', 'rm-panel rm-legend');
      box.setAttribute('aria-label', 'Legend');
      L.DomEvent.disableScrollPropagation(box);
      data.layers.forEach(function (layer) {
        box.appendChild(el('h3', null, layer.title));
        layer.legend.forEach(function (entry) {
          var row = el('div');
          var sw = entry.swatch;
          var svg;
          if (sw.kind === 'point') {
            svg = symbolSvg(sw.symbol, Math.min(sw.radius, 9), entry.color, entry.opacity).svg;
          } else {
            svg = document.createElementNS(SVG, 'svg');
            svg.setAttribute('width', 18);
            svg.setAttribute('height', 12);
            var r = document.createElementNS(SVG, sw.kind === 'line' ? 'line' : 'rect');
            if (sw.kind === 'line') {
              r.setAttribute('x1', 1); r.setAttribute('y1', 6); r.setAttribute('x2', 17); r.setAttribute('y2', 6);
              r.setAttribute('stroke', entry.color); r.setAttribute('stroke-width', sw.width);
            } else {
              r.setAttribute('x', 1); r.setAttribute('y', 1); r.setAttribute('width', 16); r.setAttribute('height', 10);
              r.setAttribute('fill', entry.color); r.setAttribute('fill-opacity', 0.5);
              r.setAttribute('stroke', entry.color);
            }
            svg.appendChild(r);
          }
          row.appendChild(svg);
          row.appendChild(el('span', null, entry.label));
          box.appendChild(row);
        });
      });
      return box;
    }
  });
  new Legend().addTo(map);

  // The timeline: first and last day of the window, bottom left.
  if (data.timeline) {
    var Timeline = L.Control.extend({
      options: { position: 'bottomleft' },
      onAdd: function () {
        var box = el('div', 'rm-panel rm-timeline');
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        box.appendChild(el('strong', null, 'Dates shown'));
        var sliders = ['From', 'To'].map(function (name, i) {
          var label = el('label');
          label.appendChild(el('span', null, name));
          var input = el('input');
          input.type = 'range';
          input.min = data.timeline.first;
          input.max = data.timeline.last;
          input.step = 1;
          input.value = windowDays[i];
          input.id = 'rm-' + name.toLowerCase();
          input.setAttribute('aria-label', name + ' date');
          var out = el('output', null, isoDay(windowDays[i]));
          label.appendChild(input);
          label.appendChild(out);
          box.appendChild(label);
          return { input: input, out: out };
        });
        var count = el('div');
        function update(changed) {
          var a = Number(sliders[0].input.value);
          var b = Number(sliders[1].input.value);
          if (a > b) {
            if (changed === 0) { b = a; sliders[1].input.value = b; } else { a = b; sliders[0].input.value = a; }
          }
          windowDays = [a, b];
          sliders[0].out.textContent = isoDay(a);
          sliders[1].out.textContent = isoDay(b);
          applyWindow();
          var dated = entries.filter(function (e) { return e.feature.dated; });
          var shown = dated.filter(function (e) { return e.shown; }).length;
          count.textContent = shown + ' of ' + dated.length + ' dated features shown';
        }
        sliders.forEach(function (s, i) {
          s.input.addEventListener('input', function () { update(i); });
        });
        box.appendChild(count);
        setTimeout(function () { update(0); }, 0);
        return box;
      }
    });
    new Timeline().addTo(map);
  }

  L.control.scale({ position: 'bottomleft', imperial: false }).addTo(map);

  var b = data.bounds;
  if (b) {
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [40, 40], maxZoom: 12 });
  } else {
    map.fitBounds([[10.4, 102.3], [14.7, 107.65]]);
  }
  map.on('zoomend', showPlaceLabels);
  showPlaceLabels();
  applyWindow();

  // For scripts that check the page (the tests): the map and the features.
  window.raidmap = { map: map, entries: entries };
}());
